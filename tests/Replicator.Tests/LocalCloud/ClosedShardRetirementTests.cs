using System.Globalization;
using System.Numerics;
using Amazon.DynamoDBv2.Model;
using Replicator.Aws.Kinesis;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Verification;
using Replicator.Monitoring;
using Replicator.Relay;

namespace Replicator.Tests.LocalCloud;

/// <summary>
/// Issue 16: closed shards' checkpoint items expire instead of piling up with every reshard, and only
/// once nothing can still need them: the shard is closed and relayed to its end for the target
/// (replicated, or passed over by a region that is not active).
/// </summary>
[Collection(LocalCloudCollection.Name)]
public sealed class ClosedShardRetirementTests(LocalCloudFixture fixture)
{
    private CheckpointStore Checkpoints => new(fixture.DynamoDb, ReplicatorTables.Checkpoint, TimeProvider.System);

    [Fact]
    public async Task A_closed_shard_relayed_to_its_end_expires_a_retention_and_a_day_later_and_no_other_shard_does()
    {
        var (stream, parents, children) = await SplitBothShardsAsync("retire");
        // Parent 0 replicated to its end; parent 1 one record short; every child replicated to its last record, yet open.
        await AdvanceAsync(stream, parents[0].ShardId, parents[0].Records[^1].SequenceNumber);
        await AdvanceAsync(stream, parents[1].ShardId, parents[1].Records[^2].SequenceNumber);
        foreach (var child in children)
        {
            await AdvanceAsync(stream, child.ShardId, child.Records[^1].SequenceNumber);
        }

        var monitor = LagMonitorFunction.Create(LocalFunctionEnvironment.LagMonitor(fixture.Cloud, fixture.RegionA, [stream], [fixture.RegionB]), TextWriter.Null);
        var before = DateTimeOffset.UtcNow;

        var first = await monitor.MeasureAsync("req-retire", CancellationToken.None);

        var retention = TimeSpan.FromHours((await fixture.Cloud.CreateKinesisClient(fixture.RegionA).DescribeStreamSummaryAsync(stream, CancellationToken.None)).RetentionPeriodHours) + ClosedShardRetirement.Margin;
        Assert.Equal([(stream, fixture.RegionB, parents[0].ShardId)], Expiring(first));
        var expiresAt = await ExpiresAtAsync(stream, parents[0].ShardId);
        Assert.InRange(expiresAt!.Value, (before + retention).ToUnixTimeSeconds(), (DateTimeOffset.UtcNow + retention).ToUnixTimeSeconds());
        Assert.Null(await ExpiresAtAsync(stream, parents[1].ShardId));
        foreach (var child in children)
        {
            Assert.Null(await ExpiresAtAsync(stream, child.ShardId));
        }

        // A region that is not active passes records over rather than copying them: done all the same.
        await Checkpoints.PassOverAsync(stream, fixture.RegionA, fixture.RegionB, parents[1].ShardId, parents[1].Records[^1].SequenceNumber, CancellationToken.None);

        var second = await monitor.MeasureAsync("req-retire-2", CancellationToken.None);

        Assert.Equal([(stream, fixture.RegionB, parents[1].ShardId)], Expiring(second));
        Assert.Equal(expiresAt, await ExpiresAtAsync(stream, parents[0].ShardId));
    }

    /// <summary>The drain counts a closed shard replicated to its end as drained, and one record short of it as one behind.</summary>
    [Fact]
    public async Task The_drain_counts_a_closed_shard_replicated_to_its_end_as_drained()
    {
        var (stream, parents, children) = await SplitBothShardsAsync("retiredrain");
        foreach (var shard in children.Append(parents[0]))
        {
            await AdvanceAsync(stream, shard.ShardId, shard.Records[^1].SequenceNumber);
        }

        await AdvanceAsync(stream, parents[1].ShardId, parents[1].Records[^2].SequenceNumber);
        var drain = Replicator.Failover.DrainFunction.Create(LocalFunctionEnvironment.Failover(fixture.Cloud, fixture.RegionA));
        var request = new Replicator.Failover.DrainRequest(stream, fixture.RegionA, fixture.RegionB, DateTimeOffset.UtcNow, 60, 0, null);

        var short1 = await drain.PollAsync(request, CancellationToken.None);

        Assert.False(short1.Drained);
        Assert.Equal([(parents[1].ShardId, 1L)], short1.Measurement!.Shards.Where(s => s.RecordsBehind > 0).Select(s => (s.ShardId, s.RecordsBehind)));

        await AdvanceAsync(stream, parents[1].ShardId, parents[1].Records[^1].SequenceNumber);
        var drained = await drain.PollAsync(request, CancellationToken.None);

        Assert.True(drained.Drained);
        Assert.Equal(parents.Count + children.Count, drained.Measurement!.Shards.Count);
    }

    /// <summary>A two-shard stream with records, both shards split, and more records in the four children.</summary>
    private async Task<(string Stream, IReadOnlyList<ShardContents> Parents, IReadOnlyList<ShardContents> Children)> SplitBothShardsAsync(string purpose)
    {
        var stream = await fixture.CreateStreamAsync(purpose, fixture.RegionA, shards: 2);
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionA, CancellationToken.None);
        var source = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        var producer = new CdcProducer(source, stream);
        await producer.ProduceAsync(CdcProducer.Generate(100, keys: 20, DateTimeOffset.UtcNow), 100, null, CancellationToken.None);
        var parents = await StreamContents.ReadAsync(source, stream, CancellationToken.None);
        foreach (var parent in parents)
        {
            var range = (await source.ListShardsAsync(stream, CancellationToken.None)).Single(s => s.ShardId == parent.ShardId).HashKeyRange;
            var middle = (BigInteger.Parse(range.StartingHashKey, CultureInfo.InvariantCulture) + BigInteger.Parse(range.EndingHashKey, CultureInfo.InvariantCulture)) / 2;
            await source.SplitShardAsync(new SplitShardRequest(stream, parent.ShardId, middle.ToString(CultureInfo.InvariantCulture)), CancellationToken.None);
            await source.WaitUntilActiveAsync(stream, CancellationToken.None);
        }

        await producer.ProduceAsync(CdcProducer.Generate(200, keys: 40, DateTimeOffset.UtcNow), 200, null, CancellationToken.None);
        var children = (await StreamContents.ReadAsync(source, stream, CancellationToken.None)).Where(s => parents.All(p => p.ShardId != s.ShardId)).ToList();
        Assert.All(parents, p => Assert.True(p.Records.Count > 2));
        Assert.All(children, c => Assert.NotEmpty(c.Records));
        return (stream, parents, children);
    }

    private Task AdvanceAsync(string stream, string shardId, string sequenceNumber) =>
        Checkpoints.AdvanceAsync(stream, new ShardCheckpoint(fixture.RegionB, shardId, sequenceNumber, DateTimeOffset.UtcNow, fixture.RegionA), CancellationToken.None);

    private async Task<long?> ExpiresAtAsync(string stream, string shardId)
    {
        var item = (await fixture.DynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = ReplicatorTables.Checkpoint,
            Key = new() { [TableAttributes.StreamName] = new AttributeValue { S = CheckpointKeys.Of(stream, fixture.RegionA, fixture.RegionB, shardId) } },
            ConsistentRead = true,
        })).Item;
        Assert.NotNull(item?.GetValueOrDefault(TableAttributes.SequenceNumber) ?? item?.GetValueOrDefault(TableAttributes.PassedOverSequenceNumber));
        return item!.GetValueOrDefault(TableAttributes.ExpiresAt)?.N is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : null;
    }

    private static IEnumerable<(string, string, string)> Expiring(LagReport report) =>
        report.CheckpointsExpiring.SelectMany(e => e.ShardIds.Select(s => (e.StreamName, e.TargetRegion, s)));
}
