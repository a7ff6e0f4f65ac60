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
}
