using Replicator.Aws.Kinesis;
using Replicator.Consumers;
using Replicator.Failover;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.Failover;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;

namespace Replicator.LocalCloud.Consumers;

/// <summary>
/// A KCL-shaped consumer reads region A at a different pace per shard and is stopped while behind; the
/// failover machine moves the stream to B and, given the consumer, translates its lease table there from
/// the relay's position samples; it then reads B to the end. Beside it, on the same run: starting B at
/// TRIM_HORIZON, at LATEST (as of the translation), and at AT_TIMESTAMP the arrival in A of the last
/// record it processed (the earliest over shards).
/// </summary>
public static class ConsumerDrill
{
    private const int Shards = 4;
    private const int RelayBatchSize = 100;

    public static async Task<ConsumerDrillResult> RunAsync(TwoRegionCloud cloud, TextWriter functionLog, CancellationToken cancellationToken, int records = 8_000, int afterFailover = 1_000)
    {
        var (a, b) = (cloud.Regions.First(), cloud.Regions.Last());
        var stream = $"consumers-drill-{Guid.NewGuid():N}"[..28];
        var application = $"kcl-{stream}";
        await using var drill = await FailoverDrill.StartAsync(cloud, stream, a, Shards, functionLog, cancellationToken).ConfigureAwait(false);
        var producer = drill.Producer();
        var all = CdcProducer.Generate(records + afterFailover, keys: 400, DateTimeOffset.UtcNow);
        await producer.RunAsync(all.Take(records).ToList(), chunkSize: 200, pause: TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);

        var (kinesisA, kinesisB) = (cloud.CreateKinesisClient(a), cloud.CreateKinesisClient(b));
        using var dynamoA = cloud.CreateDynamoDbClient(a);
        using var dynamoB = cloud.CreateDynamoDbClient(b);
        await new KclLeases(dynamoA).CreateIfAbsentAsync(application, cancellationToken).ConfigureAwait(false);
        var shardIds = (await kinesisA.ListShardsAsync(stream, cancellationToken).ConfigureAwait(false)).Select(s => s.ShardId).ToList();
        // 50, 100, 200 and 400 records a second for 8 s: the shards are behind by different amounts (the fastest not at all) when the failover comes.
        var inA = new KclShapedConsumer(kinesisA, dynamoA, stream, application, shard => 50 << shardIds.IndexOf(shard));
        using var stopA = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var consumingA = inA.RunAsync(stopA.Token);

        // The application in A is stopped (gracefully: each shard checkpoints where it got) while behind, and the
        // failover moves it: after the flip and before DNS, its lease table is translated into B.
        await Task.Delay(TimeSpan.FromSeconds(8), cancellationToken).ConfigureAwait(false);
        await stopA.CancelAsync().ConfigureAwait(false);
        await consumingA.ConfigureAwait(false);
        var failover = await drill.Failover.RunAsync(
            drill.Input(a, b, force: false, TimeSpan.FromSeconds(60)) with { Consumers = [new ConsumerToMove(application)] }, null, cancellationToken).ConfigureAwait(false);
        var moved = failover.Output?["consumers"]?["translated"]?.AsArray().SingleOrDefault();
        var latest = await IteratorsAsync(kinesisB, stream, ShardIteratorTypes.Latest, null, cancellationToken).ConfigureAwait(false);

        // Producers follow DNS into B now; the translated consumer reads B until it has nothing new for two seconds.
        await producer.RunAsync(all.Skip(records).ToList(), chunkSize: 200, pause: TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
        var inB = new KclShapedConsumer(kinesisB, dynamoB, stream, application, _ => 5_000);
        using var stopB = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var consumingB = inB.RunAsync(stopB.Token);
        await UntilQuietAsync(() => inB.Delivered.Count, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
        await stopB.CancelAsync().ConfigureAwait(false);
        await consumingB.ConfigureAwait(false);

        var acknowledged = producer.Acknowledged.Select(r => Id(r.Record)).ToHashSet();
        var processedInA = inA.Delivered.Select(d => Id(CdcRecord.Parse(d.Record.Data))).ToList();
        var naiveTime = inA.Delivered.GroupBy(d => d.ShardId).Select(g => g.Max(d => d.Record.ArrivedAt)).DefaultIfEmpty(DateTimeOffset.UnixEpoch).Min();
        var trimHorizon = await ReadAsync(kinesisB, await IteratorsAsync(kinesisB, stream, ShardIteratorTypes.TrimHorizon, null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var atLatest = await ReadAsync(kinesisB, latest, cancellationToken).ConfigureAwait(false);
        var naive = await ReadAsync(kinesisB, await IteratorsAsync(kinesisB, stream, ShardIteratorTypes.AtTimestamp, naiveTime, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

        var translatedRun = Outcome.Of(acknowledged, processedInA, inB.Delivered.Select(d => Id(CdcRecord.Parse(d.Record.Data))).ToList());
        return new ConsumerDrillResult(
            failover.IsSuccess,
            records - processedInA.Distinct().Count(),
            translatedRun,
            Outcome.Of(acknowledged, processedInA, trimHorizon),
            Outcome.Of(acknowledged, processedInA, atLatest),
            Outcome.Of(acknowledged, processedInA, naive),
            (long?)moved?["duplicateBound"],
            RelayBatchSize * Shards,
            (int?)moved?["samplesRead"] ?? 0);
    }

    private static (long Key, long N) Id(CdcRecord record) => (record.Key, record.N);

    private static async Task<List<string?>> IteratorsAsync(KinesisClient kinesis, string stream, string type, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        var iterators = new List<string?>();
        foreach (var shard in await kinesis.ListShardsAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            var request = new GetShardIteratorRequest(stream, shard.ShardId, type) { Timestamp = at?.ToUnixTimeMilliseconds() / 1000.0 };
            iterators.Add((await kinesis.GetShardIteratorAsync(request, cancellationToken).ConfigureAwait(false)).ShardIterator);
        }

        return iterators;
    }

    /// <summary>Every record from each iterator to the shard's current end.</summary>
    private static async Task<List<(long Key, long N)>> ReadAsync(KinesisClient kinesis, List<string?> iterators, CancellationToken cancellationToken)
    {
        var read = new List<(long, long)>();
        foreach (var start in iterators)
        {
            var iterator = start;
            while (iterator is not null)
            {
                var page = await PatientReads.GetRecordsAsync(kinesis, new GetRecordsRequest(iterator), cancellationToken).ConfigureAwait(false);
                read.AddRange(page.Records.Select(r => Id(CdcRecord.Parse(r.Data))));
                iterator = page.Records.Count == 0 && page.MillisBehindLatest == 0 ? null : page.NextShardIterator;
            }
        }

        return read;
    }

    private static async Task UntilQuietAsync(Func<int> count, TimeSpan quiet, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var (last, since) = (-1, DateTimeOffset.UtcNow);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (count() != last)
            {
                (last, since) = (count(), DateTimeOffset.UtcNow);
            }
            else if (last > 0 && DateTimeOffset.UtcNow - since >= quiet)
            {
                return;
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>A consumer's whole run across the failover: what it processed in A, then what it read in B.</summary>
public sealed record Outcome(int Missed, int Duplicates)
{
    public static Outcome Of(IReadOnlySet<(long, long)> acknowledged, IReadOnlyList<(long, long)> inA, IReadOnlyList<(long, long)> inB)
    {
        var seen = inA.Concat(inB).ToHashSet();
        return new Outcome(acknowledged.Count(r => !seen.Contains(r)), inA.Count + inB.Count - seen.Count);
    }
}

/// <param name="ReferenceBound">One relay batch per source shard: the goal for the translated duplicates.</param>
public sealed record ConsumerDrillResult(
    bool FailedOver, int Unconsumed, Outcome Translated, Outcome TrimHorizon, Outcome Latest, Outcome NaiveTimestamp, long? DuplicateBound, int ReferenceBound, int SamplesRead)
{
    public bool Passed => FailedOver && Translated.Missed == 0 && Unconsumed > 0 && DuplicateBound is { } bound && Translated.Duplicates <= bound;

    /// <summary>The figures line of <c>replicator drill consumers</c> (issue 17).</summary>
    public string FiguresJson() => new System.Text.Json.Nodes.JsonObject
    {
        ["unconsumed"] = Unconsumed,
        ["missed"] = Translated.Missed,
        ["duplicates"] = Translated.Duplicates,
        ["duplicate_bound"] = DuplicateBound,
        ["duplicates_trim_horizon"] = TrimHorizon.Duplicates,
        ["missed_latest"] = Latest.Missed,
        ["duplicates_naive_timestamp"] = NaiveTimestamp.Duplicates,
        ["missed_naive_timestamp"] = NaiveTimestamp.Missed,
    }.ToJsonString();
}
