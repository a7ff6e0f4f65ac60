using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.EventSourceMapping;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;
using Replicator.Tests.Fakes;

namespace Replicator.Tests.LocalCloud;

/// <summary>Splits, merges and UpdateShardCount on the local cloud, and per-key order across the shard lineage they make (issue 16).</summary>
[Collection(LocalCloudCollection.Name)]
public sealed class ReshardTests(LocalCloudFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly StringWriter _log = new();

    /// <summary>
    /// The unfavourable mapping: it reads the children of a split as soon as they are listed, while the
    /// parent still holds most of every key's earlier records. Copying a child's records then would put
    /// them before the parent's tail in the target; the relay must wait for the parent instead.
    /// </summary>
    [Fact]
    public async Task The_relay_relays_a_child_shard_only_after_its_parent_even_when_the_mapping_reads_both_at_once()
    {
        var stream = await fixture.CreateStreamPairAsync("reshard-order");
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionA, CancellationToken.None);
        var source = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        var records = CdcProducer.Generate(2_400, keys: 20, DateTimeOffset.UtcNow);
        var producer = new CdcProducer(source, stream);
        await producer.ProduceAsync(records.Take(2_000).ToList(), 200, null, CancellationToken.None);
        await SplitInHalfAsync(source, stream, "shardId-000000000000");
        await producer.ProduceAsync(records.Skip(2_000).ToList(), 200, null, CancellationToken.None);

        await using (var relay = new RunningRelay(fixture, stream, LocalFunctionEnvironment.Relay(fixture.Cloud, fixture.RegionA, fixture.RegionB), _log, new EventSourceMappingOptions { BatchSize = 100, WaitsForParentShards = false }))
        {
            await relay.WaitUntilAcknowledgedAsync(records.Count, Patience);
        }

        var target = (await StreamContents.ReadAsync(fixture.Cloud.CreateKinesisClient(fixture.RegionB), stream, CancellationToken.None)).SelectMany(s => s.Records).Select(r => CdcRecord.Parse(r.Data));
        var check = ReplicationCheck.Compare(records, target);
        Assert.Equal((0, 0, 0), (check.Missing, check.OrderViolations, check.Unexpected));
        Assert.Contains("waits for its parent shard shardId-000000000000", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_mapping_reads_a_childs_records_only_after_its_parents_are_read_to_their_end()
    {
        var stream = await fixture.CreateStreamAsync("reshard-esm", fixture.RegionA);
        var source = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        var producer = new CdcProducer(source, stream);
        var records = CdcProducer.Generate(900, keys: 10, DateTimeOffset.UtcNow);
        await producer.ProduceAsync(records.Take(300).ToList(), 100, null, CancellationToken.None);
        await SplitInHalfAsync(source, stream, "shardId-000000000000");
        await producer.ProduceAsync(records.Skip(300).Take(300).ToList(), 100, null, CancellationToken.None);
        await source.MergeShardsAsync(new MergeShardsRequest(stream, "shardId-000000000001", "shardId-000000000002"), CancellationToken.None);
        await source.WaitUntilActiveAsync(stream, CancellationToken.None);
        await producer.ProduceAsync(records.Skip(600).ToList(), 100, null, CancellationToken.None);

        var invocations = new ConcurrentQueue<(string Shard, IReadOnlyList<CdcRecord> Records)>();
        LambdaHandler function = (payload, _, _) =>
        {
            var batch = JsonSerializer.Deserialize(payload.Span, LambdaEventsJsonContext.Default.KinesisEvent)!.Records!;
            invocations.Enqueue((batch[0].EventId!.Split(':')[0], batch.Select(r => CdcRecord.Parse(r.Kinesis!.Data!.Value.ToArray())).ToList()));
            return Task.FromResult(JsonSerializer.SerializeToUtf8Bytes(StreamsEventResponse.Success, LambdaEventsJsonContext.Default.StreamsEventResponse));
        };
        var mapping = new LocalEventSourceMapping(
            source, stream, () => FunctionInstance.OverSharedClients(function), (_, _) => TestContexts.Create(TextWriter.Null),
            new EventSourceMappingOptions { BatchSize = 50, ShardDiscoveryInterval = TimeSpan.FromMilliseconds(100) });
        using var stop = new CancellationTokenSource(Patience);
        var running = mapping.RunAsync(stop.Token);
        while (mapping.RecordsAcknowledged < records.Count && !stop.IsCancellationRequested)
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        await running;

        var order = invocations.ToList();
        int Last(string shard) => order.FindLastIndex(i => i.Shard == shard);
        int First(string shard) => order.FindIndex(i => i.Shard == shard);
        Assert.True(First("shardId-000000000001") > Last("shardId-000000000000") && First("shardId-000000000002") > Last("shardId-000000000000"), "a child of the split was read before its parent's end");
        Assert.True(First("shardId-000000000003") > Math.Max(Last("shardId-000000000001"), Last("shardId-000000000002")), "the merged shard was read before one of its parents' end");
        var check = ReplicationCheck.Compare(records, order.SelectMany(i => i.Records));
        Assert.Equal((0, 0, 0), (check.Missing, check.OrderViolations, check.Duplicates));
    }

    [Fact]
    public async Task UpdateShardCount_scales_uniformly_by_splits_and_merges_within_the_apis_limits()
    {
        var stream = await fixture.CreateStreamAsync("reshard-count", fixture.RegionA, shards: 4);
        var kinesis = fixture.Cloud.CreateKinesisClient(fixture.RegionA);

        var refused = await Assert.ThrowsAsync<Replicator.Aws.Json.AwsServiceException>(() => kinesis.UpdateShardCountAsync(new UpdateShardCountRequest(stream, 9), CancellationToken.None));
        Assert.Equal("LimitExceededException", refused.ErrorCode);

        var answer = await kinesis.UpdateShardCountAsync(new UpdateShardCountRequest(stream, 7), CancellationToken.None);
        Assert.Equal((4, 7), (answer.CurrentShardCount, answer.TargetShardCount));
        await fixture.Cloud.Kinesis(fixture.RegionA).Scaling.ScalingOf(stream);

        var open = (await kinesis.ListShardsAsync(stream, CancellationToken.None)).Where(s => s.SequenceNumberRange.EndingSequenceNumber is null)
            .Select(s => BigInteger.Parse(s.HashKeyRange.EndingHashKey, CultureInfo.InvariantCulture) - BigInteger.Parse(s.HashKeyRange.StartingHashKey, CultureInfo.InvariantCulture) + 1)
            .ToList();
        Assert.Equal(7, open.Count);
        var equal = (BigInteger.One << 128) / 7;
        Assert.All(open, width => Assert.True(BigInteger.Abs(width - equal) <= 1, $"an open shard spans {width} hash keys, not a seventh of them"));
    }

    /// <summary>
    /// The local cloud's on-demand mode: four shards to start, no UpdateShardCount, and a shard split
    /// once its writes pass half its allowance in a second, while records flow. The relay copies the
    /// stream while it splits (the mapping finds the children, the relay waits for their parents), and
    /// every key arrives in order.
    /// </summary>
    [Fact]
    public async Task An_on_demand_stream_splits_the_shards_its_writes_crowd_and_the_relay_keeps_every_key_in_order()
    {
        var stream = LocalCloudFixture.UniqueStreamName("reshard-ondemand");
        var source = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        await source.CreateOnDemandStreamAsync(stream, CancellationToken.None);
        await source.WaitUntilActiveAsync(stream, CancellationToken.None);
        var target = fixture.Cloud.CreateKinesisClient(fixture.RegionB);
        await target.CreateStreamAsync(stream, 2, CancellationToken.None);
        await target.WaitUntilActiveAsync(stream, CancellationToken.None);
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionA, CancellationToken.None);

        var described = await source.DescribeStreamSummaryAsync(stream, CancellationToken.None);
        Assert.Equal((StreamModes.OnDemand, 4), (described.StreamModeDetails?.StreamMode, described.OpenShardCount));
        var refused = await Assert.ThrowsAsync<Replicator.Aws.Json.AwsServiceException>(() => source.UpdateShardCountAsync(new UpdateShardCountRequest(stream, 8), CancellationToken.None));
        Assert.Equal("ValidationException", refused.ErrorCode);

        // A shard splits once it admits more than its share within one second, so the split needs this
        // machine to write fast enough: under a loaded CI run 6,000 records once passed no shard's share in
        // any second. Writing goes on, 6,000 at a time up to 30,000, until a shard has split.
        var records = CdcProducer.Generate(30_000, keys: 40, DateTimeOffset.UtcNow);
        var produced = 0;
        IReadOnlyList<Shard> shards = [];
        await using (var relay = new RunningRelay(fixture, stream, LocalFunctionEnvironment.Relay(fixture.Cloud, fixture.RegionA, fixture.RegionB), _log, new EventSourceMappingOptions { BatchSize = 200, WaitsForParentShards = false }))
        {
            var producer = new CdcProducer(source, stream);
            while (produced < records.Count && !shards.Any(s => s.SequenceNumberRange.EndingSequenceNumber is not null))
            {
                await producer.ProduceAsync(records.Skip(produced).Take(6_000).ToList(), 500, null, CancellationToken.None);
                produced += 6_000;
                await fixture.Cloud.Kinesis(fixture.RegionA).OnDemand.SplittingOf(stream);
                shards = await source.ListShardsAsync(stream, CancellationToken.None);
            }

            await relay.WaitUntilAcknowledgedAsync(produced, Patience);
        }

        Assert.True(shards.Count(s => s.SequenceNumberRange.EndingSequenceNumber is not null) >= 1, $"no shard was split after {produced} records: {shards.Count} shards");
        var arrived = (await StreamContents.ReadAsync(target, stream, CancellationToken.None)).SelectMany(s => s.Records).Select(r => CdcRecord.Parse(r.Data));
        var check = ReplicationCheck.Compare(records.Take(produced).ToList(), arrived);
        Assert.Equal((0, 0, 0), (check.Missing, check.OrderViolations, check.Unexpected));
    }

    private static async Task SplitInHalfAsync(KinesisClient kinesis, string stream, string shardId)
    {
        await kinesis.SplitShardAsync(new SplitShardRequest(stream, shardId, (BigInteger.One << 127).ToString(CultureInfo.InvariantCulture)), CancellationToken.None);
        await kinesis.WaitUntilActiveAsync(stream, CancellationToken.None);
    }
}
