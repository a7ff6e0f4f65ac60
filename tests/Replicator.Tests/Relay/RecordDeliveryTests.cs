using System.Net;
using Replicator.Aws.Json;
using Replicator.Relay;
using Replicator.Tests.Fakes;

namespace Replicator.Tests.Relay;

public sealed class RecordDeliveryTests
{
    private static readonly DateTimeOffset FarDeadline = DateTimeOffset.UtcNow.AddMinutes(5);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task DeliverAsync_RandomPartialFailures_EveryRecordLandsInPerKeyOrder(int seed)
    {
        var random = new Random(seed);
        var records = TestRecords.Cdc(2000, keys: 37);
        var target = new RecordingTarget { FailRecord = (_, _) => random.NextDouble() < 0.3 ? "ProvisionedThroughputExceededException" : null };

        var outcome = await new RecordDelivery(target, PutRecordsLimits.Kinesis, TimeProvider.System)
            .DeliverAsync("orders", records, FarDeadline, CancellationToken.None);

        Assert.Null(outcome.Error);
        Assert.Equal(records.Count, outcome.DurablePrefix);
        Assert.True(outcome.RetriedRecords > 0);
        Assert.Equal(outcome.RetriedRecords, outcome.ThrottledRecords);
        Assert.Equal(records.Count, target.Landed.Count);
        foreach (var key in target.Landed.GroupBy(r => r.PartitionKey))
        {
            var seqs = key.Select(r => TestRecords.SeqOf(r.Data)).ToArray();
            Assert.Equal(seqs.Order(), seqs);
        }
    }

    /// <summary>A record the target cannot take ends delivery with the error, returned with the durable prefix before it.</summary>
    [Fact]
    public async Task DeliverAsync_RecordTooLargeForTheTarget_ReturnsTheErrorAndKeepsThePrefix()
    {
        var records = TestRecords.Cdc(2, keys: 1);
        var tooLarge = new RelayTargetException("too large");
        var target = new RecordingTarget { FailRequest = n => n == 1 ? tooLarge : null };

        var outcome = await new RecordDelivery(target, PutRecordsLimits.Kinesis, TimeProvider.System)
            .DeliverAsync("orders", records, FarDeadline, CancellationToken.None);

        Assert.Equal(1, outcome.DurablePrefix);
        Assert.Same(tooLarge, outcome.Error);
    }

    [Fact]
    public async Task DeliverAsync_OneKeyKeepsFailing_OtherKeysStillLand()
    {
        var records = TestRecords.Cdc(40, keys: 4);
        var target = new RecordingTarget { FailRecord = (_, entry) => entry.PartitionKey == "2" ? "InternalFailure" : null };

        var outcome = await new RecordDelivery(target, PutRecordsLimits.Kinesis, TimeProvider.System)
            .DeliverAsync("orders", records, DateTimeOffset.UtcNow.AddMilliseconds(500), CancellationToken.None);

        // Key 2's first record is source index 2: the durable prefix ends there and the rest of key 2 never went out.
        Assert.Equal(2, outcome.DurablePrefix);
        Assert.DoesNotContain(target.Landed, r => r.PartitionKey == "2");
        Assert.Equal(30, target.Landed.Count);
    }

    [Fact]
    public async Task DeliverAsync_WholeRequestsThrottled_BacksOffAndDeliversAll()
    {
        var records = TestRecords.Cdc(100, keys: 10);
        var target = new RecordingTarget { FailRequest = n => n < 3 ? RecordingTarget.Throttled() : null };

        var outcome = await new RecordDelivery(target, PutRecordsLimits.Kinesis, TimeProvider.System)
            .DeliverAsync("orders", records, FarDeadline, CancellationToken.None);

        Assert.Equal(100, outcome.DurablePrefix);
        Assert.Equal(30, outcome.ThrottledRecords); // three requests of ten keys each
        Assert.Equal(100, target.Landed.Count);
    }

    [Fact]
    public async Task DeliverAsync_TimeRunsOut_ReportsTheFirstUndeliveredRecord()
    {
        var records = TestRecords.Cdc(10, keys: 10);
        var target = new RecordingTarget { FailRecord = (_, entry) => entry.PartitionKey is "3" ? "ProvisionedThroughputExceededException" : null };

        var outcome = await new RecordDelivery(target, PutRecordsLimits.Kinesis, TimeProvider.System)
            .DeliverAsync("orders", records, DateTimeOffset.UtcNow.AddMilliseconds(300), CancellationToken.None);

        Assert.Null(outcome.Error);
        Assert.Equal(3, outcome.DurablePrefix);
        Assert.False(outcome.Complete(records.Count));
    }

    [Fact]
    public async Task DeliverAsync_NonTransientError_StopsAndReturnsItWithTheDurablePrefix()
    {
        var records = TestRecords.Cdc(1000, keys: 1000);
        var denied = new AwsServiceException("kinesis", "AccessDeniedException", "not authorized", HttpStatusCode.BadRequest);
        var target = new RecordingTarget { FailRequest = n => n == 1 ? denied : null };

        var outcome = await new RecordDelivery(target, PutRecordsLimits.Kinesis, TimeProvider.System)
            .DeliverAsync("orders", records, FarDeadline, CancellationToken.None);

        Assert.Same(denied, outcome.Error);
        Assert.Equal(500, outcome.DurablePrefix);
        Assert.Equal(2, outcome.Requests);
    }
}
