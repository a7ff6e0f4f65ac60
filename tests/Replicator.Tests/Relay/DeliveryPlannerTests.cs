using Replicator.Aws.Kinesis;
using Replicator.Relay;
using Replicator.Tests.Fakes;

namespace Replicator.Tests.Relay;

public sealed class DeliveryPlannerTests
{
    [Fact]
    public void TakeNextRequest_ManyDistinctKeys_StopsAt500Records()
    {
        var planner = new DeliveryPlanner(TestRecords.Cdc(1200, keys: 1200), PutRecordsLimits.Kinesis);

        Assert.Equal(500, planner.TakeNextRequest().Count);
        Assert.Equal(500, planner.TakeNextRequest().Count);
        Assert.Equal(200, planner.TakeNextRequest().Count);
        Assert.Empty(planner.TakeNextRequest());
    }

    [Fact]
    public void TakeNextRequest_OneMiBRecords_StaysUnder5MiBWithKeysCounted()
    {
        var records = Enumerable.Range(0, 12)
            .Select(i => new SourceRecord(i, $"{i + 1}", $"key-{i}", Base64Data.FromBytes(new byte[1024 * 1024]), DateTimeOffset.UnixEpoch))
            .ToArray();
        var planner = new DeliveryPlanner(records, PutRecordsLimits.Kinesis);

        var sizes = new List<int>();
        for (var request = planner.TakeNextRequest(); request.Count > 0; request = planner.TakeNextRequest())
        {
            Assert.True(request.Sum(r => r.RequestBytes) <= PutRecordsLimits.Kinesis.MaxBytes);
            sizes.Add(request.Count);
            planner.Settle(request, Enumerable.Repeat(true, request.Count).ToArray());
        }

        // Five 1 MiB records plus their keys exceed 5 MiB, so four go per request and every record goes whole.
        Assert.Equal([4, 4, 4], sizes);
    }

    [Fact]
    public void TakeNextRequest_RecordLargerThanTheByteLimit_GoesAloneAndWhole()
    {
        var records = new[]
        {
            new SourceRecord(0, "1", "a", Base64Data.FromBytes(new byte[100]), DateTimeOffset.UnixEpoch),
            new SourceRecord(1, "2", "b", Base64Data.FromBytes(new byte[300]), DateTimeOffset.UnixEpoch),
        };
        var planner = new DeliveryPlanner(records, new PutRecordsLimits(500, MaxBytes: 200));

        Assert.Equal([0], planner.TakeNextRequest().Select(r => r.Index));
        Assert.Equal([1], planner.TakeNextRequest().Select(r => r.Index));
    }

    [Fact]
    public void TakeNextRequest_RepeatedKey_CarriesOneRecordPerKeyAndReleasesTheNextOnDelivery()
    {
        var records = TestRecords.Cdc(6, keys: 2); // keys 0,1,0,1,0,1
        var planner = new DeliveryPlanner(records, PutRecordsLimits.Kinesis);

        var first = planner.TakeNextRequest();
        Assert.Equal([0, 1], first.Select(r => r.Index));
        Assert.Empty(planner.TakeNextRequest());

        Assert.Equal([true, false], planner.Settle(first, [true, false]));
        Assert.Equal([1, 2], planner.TakeNextRequest().Select(r => r.Index));
    }

    [Fact]
    public void Packed_RepeatedKey_GoesInOneRequestInShardOrder()
    {
        var records = TestRecords.Cdc(6, keys: 2); // keys 0,1,0,1,0,1
        var planner = new DeliveryPlanner(records, PutRecordsLimits.Kinesis, RelayOrdering.Packed);

        var request = planner.TakeNextRequest();

        Assert.Equal([0, 1, 2, 3, 4, 5], request.Select(r => r.Index));
        Assert.All(planner.Settle(request, Enumerable.Repeat(true, 6).ToArray()), Assert.True);
        Assert.Equal(0, planner.Pending);
    }

    [Fact]
    public void Packed_AFailedRecord_SendsTheRestOfItsKeyAgainAfterItEvenWhatLanded()
    {
        var records = TestRecords.Cdc(6, keys: 2); // keys 0,1,0,1,0,1
        var planner = new DeliveryPlanner(records, PutRecordsLimits.Kinesis, RelayOrdering.Packed);
        var request = planner.TakeNextRequest();

        // Record 2 (key 0) fails; 4 (key 0) landed ahead of it, so it is not durable and goes again; key 1 is unaffected.
        var durable = planner.Settle(request, [true, true, false, true, true, true]);

        Assert.Equal([true, true, false, true, false, true], durable);
        // Key 0 failed with three records in the request, so it may carry one now; four waits behind two.
        var retry = planner.TakeNextRequest();
        Assert.Equal([2], retry.Select(r => r.Index));
        planner.Settle(retry, [true]);
        Assert.Equal([4], planner.TakeNextRequest().Select(r => r.Index));
    }

    [Fact]
    public void Packed_AKeyThatKeepsFailing_SendsFewerOfItsRecordsAtATimeAndMoreOnceItLands()
    {
        var records = TestRecords.Cdc(64, keys: 1);
        var planner = new DeliveryPlanner(records, PutRecordsLimits.Kinesis, RelayOrdering.Packed);
        var sizes = new List<int>();

        for (var round = 0; round < 4; round++)
        {
            var request = planner.TakeNextRequest();
            sizes.Add(request.Count);
            planner.Settle(request, request.Select((_, i) => i > 0).ToArray()); // its first record fails every time
        }

        for (var request = planner.TakeNextRequest(); request.Count > 0; request = planner.TakeNextRequest())
        {
            sizes.Add(request.Count);
            planner.Settle(request, Enumerable.Repeat(true, request.Count).ToArray());
        }

        Assert.Equal([64, 32, 16, 8, 4, 8, 16, 32, 4], sizes);
        Assert.Equal(0, planner.Pending);
    }

    [Fact]
    public void TakeNextRequest_PreservesPartitionKeys()
    {
        var records = TestRecords.Cdc(50, keys: 50);
        var planner = new DeliveryPlanner(records, PutRecordsLimits.Kinesis);

        var request = planner.TakeNextRequest();

        Assert.Equal(records.Select(r => r.PartitionKey), request.Select(r => r.PartitionKey));
        Assert.Equal(records.Select(r => r.Data), request.Select(r => r.Data));
    }

    [Fact]
    public void Aggregated_a_keys_pending_records_follow_its_oldest_as_one_entry()
    {
        var records = Keyed("a", "a", "b", "a", "b", "c");
        var planner = new DeliveryPlanner(records, PutRecordsLimits.Kinesis, RelayOrdering.Aggregated);

        var request = planner.TakeNextRequest();

        Assert.Equal([0, 1, 3, 2, 4, 5], request.Select(r => r.Index));
        Assert.Equal([(0, 3), (3, 2), (5, 1)], planner.Entries(request));
    }

    /// <summary>An aggregate lands whole or not at all: a failed one goes again whole, behind nothing of its key.</summary>
    [Fact]
    public void Aggregated_a_failed_run_goes_again_whole_and_a_landed_one_releases_the_keys_next_records()
    {
        var records = Keyed("a", "a", "b", "b");
        var planner = new DeliveryPlanner(records, new PutRecordsLimits(500, 5 << 20, MaxRecordBytes: KplAggregate.EmptySize("a") + (2 * KplAggregate.RecordSize(8)) + 1), RelayOrdering.Aggregated);

        var first = planner.TakeNextRequest();
        Assert.Equal([0, 1, 2, 3], first.Select(r => r.Index));
        planner.Settle(first, [false, false, true, true]);

        var second = planner.TakeNextRequest();
        Assert.Equal([0, 1], second.Select(r => r.Index));
        Assert.Equal([(0, 2)], planner.Entries(second));
        planner.Settle(second, [true, true]);
        Assert.Equal(0, planner.Pending);
    }

    [Fact]
    public void Aggregated_a_run_stops_at_the_record_limit_and_a_producers_own_aggregate_goes_alone()
    {
        var producers = Base64Data.FromBytes(KplAggregate.Encode("a", [Base64Data.FromBytes(new byte[8])]));
        SourceRecord[] records = [.. Keyed("a", "a", "a"), new SourceRecord(3, "4", "a", producers, DateTimeOffset.UnixEpoch), .. Keyed("a").Select(r => r with { Index = 4 })];
        var oneAndAHalf = KplAggregate.EmptySize("a") + KplAggregate.RecordSize(8) + (KplAggregate.RecordSize(8) / 2) + 1;
        var planner = new DeliveryPlanner(records, new PutRecordsLimits(500, 5 << 20, MaxRecordBytes: oneAndAHalf + KplAggregate.RecordSize(8)), RelayOrdering.Aggregated);

        var sizes = new List<int>();
        for (var request = planner.TakeNextRequest(); request.Count > 0; request = planner.TakeNextRequest())
        {
            sizes.Add(request.Count);
            planner.Settle(request, Enumerable.Repeat(true, request.Count).ToArray());
        }

        Assert.Equal([2, 1, 1, 1], sizes);
    }

    private static SourceRecord[] Keyed(params string[] keys) =>
        keys.Select((key, i) => new SourceRecord(i, $"{i + 1}", key, Base64Data.FromBytes(new byte[8]), DateTimeOffset.UnixEpoch)).ToArray();
}
