using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Replicator.Aws.Kinesis;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.Verification;
using Replicator.Monitoring;
using Replicator.Relay;

namespace Replicator.LocalCloud.Resharding;

/// <summary>
/// Replication while both streams change shape (issue 16): the source, 4 shards, is scaled to 8 by
/// UpdateShardCount, one shard split, two merged and scaled to 5 again; the target, 7 shards (shaped
/// otherwise from the start), is scaled to 5 once; all while producers write. The mapping reads a
/// child as soon as it is listed (the unfavourable case, which Lambda's documentation does not rule
/// out), so only the relay's own parent-before-child rule keeps each key in order. Every record is then
/// checked in the target, and the lag monitor's watermark must not be held back by the closed shards.
/// </summary>
public static class ReshardDrill
{
    public static async Task<ReshardResult> RunAsync(TwoRegionCloud cloud, TextWriter functionLog, Action<string>? progress, CancellationToken cancellationToken, int records = 100_000)
    {
        var (a, b) = (cloud.Regions.First(), cloud.Regions.Last());
        var stream = $"reshard-{Guid.NewGuid():N}"[..24];
        var (source, target) = (cloud.CreateKinesisClient(a), cloud.CreateKinesisClient(b));
        using var dynamoDb = cloud.CreateDynamoDbClient(a);
        await ReplicatorTables.CreateAsync(dynamoDb, cancellationToken).ConfigureAwait(false);
        await ReplicatorTables.SetActiveRegionAsync(dynamoDb, stream, a, cancellationToken).ConfigureAwait(false);
        foreach (var (kinesis, shards) in new[] { (source, 4), (target, 7) })
        {
            await kinesis.CreateStreamAsync(stream, shards, cancellationToken).ConfigureAwait(false);
            await kinesis.WaitUntilActiveAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        var produced = CdcProducer.Generate(records, keys: 500, DateTimeOffset.UtcNow, zipfExponent: 1.1);
        var relay = LocalRelay.Create(cloud, stream, a, b, batchSize: 500, functionLog, mappingWaitsForParentShards: false);
        using var stopRelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var relaying = relay.RunAsync(stopRelay.Token);

        var written = 0;
        var producing = new CdcProducer(source, stream).ProduceAsync(produced, chunkSize: 500, new Progress<int>(count => Volatile.Write(ref written, count)), cancellationToken);
        var reshards = 0;
        foreach (var (share, what, reshard) in Plan(cloud, source, stream, a, b))
        {
            while (Volatile.Read(ref written) < records * share && !producing.IsCompleted)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }

            progress?.Invoke($"{Volatile.Read(ref written):N0} records written: {what}");
            await reshard(cancellationToken).ConfigureAwait(false);
            reshards++;
        }

        await producing.ConfigureAwait(false);
        progress?.Invoke($"all {records:N0} records written; waiting for the relay");
        var deadline = DateTimeOffset.UtcNow.AddMinutes(5);
        while (relay.RecordsAcknowledged < records && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        await stopRelay.CancelAsync().ConfigureAwait(false);
        await relaying.ConfigureAwait(false);
        progress?.Invoke($"the relay acknowledged {relay.RecordsAcknowledged:N0} records; checking the target record by record");

        // Shards listed in index order: a parent before its children, so each key's copies read in the order they landed.
        var arrived = await StreamContents.ReadAsync(target, stream, cancellationToken).ConfigureAwait(false);
        var check = ReplicationCheck.Compare(produced, arrived.SelectMany(s => s.Records).Select(r => CdcRecord.Parse(r.Data)));

        var checkpoints = new CheckpointStore(dynamoDb, ReplicatorTables.Checkpoint, TimeProvider.System);
        var lag = await new LagMeter(source, a, checkpoints, TimeProvider.System).MeasureAsync(stream, b, a, cancellationToken).ConfigureAwait(false);
        var (closed, closedDone) = (lag.Shards.Count(s => s.Closed), lag.Shards.Count(s => s.Done));
        await LocalLagMonitor.RunOnceAsync(cloud, a, stream, b, cancellationToken).ConfigureAwait(false);
        var watermark = (await checkpoints.ReadWatermarkAsync(stream, cancellationToken).ConfigureAwait(false)).Value;
        // The watermark can reach the newest effective commit at most: a commit counts no later than its record's arrival.
        var newestCommit = (await StreamContents.ReadAsync(source, stream, cancellationToken).ConfigureAwait(false))
            .SelectMany(s => s.Records)
            .Max(r => CommitTimestamps.Effective(CdcRecord.Parse(r.Data).CommitTimestamp, r.ArrivedAt));
        return new ReshardResult(check, reshards, closed, closedDone, watermark is { } w ? Math.Max(0, (newestCommit - w).TotalSeconds) : null);
    }

    /// <summary>When (a share of the records written) each reshard happens, and what it is.</summary>
    private static IEnumerable<(double Share, string What, Func<CancellationToken, Task> Reshard)> Plan(TwoRegionCloud cloud, KinesisClient source, string stream, string a, string b)
    {
        yield return (0.15, $"the source ({a}) scales from 4 to 8 shards", ct => cloud.ScaleAsync(a, stream, 8, ct));
        yield return (0.30, $"the target ({b}) scales from 7 to 5 shards", ct => cloud.ScaleAsync(b, stream, 5, ct));
        yield return (0.45, "the source splits its first open shard", async ct =>
        {
            var shard = (await OpenAsync(source, stream, ct).ConfigureAwait(false))[0];
            var middle = (BigInteger.Parse(shard.HashKeyRange.StartingHashKey, CultureInfo.InvariantCulture) + BigInteger.Parse(shard.HashKeyRange.EndingHashKey, CultureInfo.InvariantCulture)) / 2;
            await source.SplitShardAsync(new SplitShardRequest(stream, shard.ShardId, middle.ToString(CultureInfo.InvariantCulture)), ct).ConfigureAwait(false);
            await source.WaitUntilActiveAsync(stream, ct).ConfigureAwait(false);
        }
        );
        yield return (0.60, "the source merges its last two open shards", async ct =>
        {
            var open = await OpenAsync(source, stream, ct).ConfigureAwait(false);
            await source.MergeShardsAsync(new MergeShardsRequest(stream, open[^2].ShardId, open[^1].ShardId), ct).ConfigureAwait(false);
            await source.WaitUntilActiveAsync(stream, ct).ConfigureAwait(false);
        }
        );
        yield return (0.75, "the source scales back to 5 shards", ct => cloud.ScaleAsync(a, stream, 5, ct));
    }

    /// <summary>The open shards by hash key range, so neighbours are adjacent.</summary>
    private static async Task<List<Shard>> OpenAsync(KinesisClient kinesis, string stream, CancellationToken cancellationToken) =>
        (await kinesis.ListShardsAsync(stream, cancellationToken).ConfigureAwait(false))
            .Where(s => s.SequenceNumberRange.EndingSequenceNumber is null)
            .OrderBy(s => BigInteger.Parse(s.HashKeyRange.StartingHashKey, CultureInfo.InvariantCulture))
            .ToList();
}

/// <param name="ClosedShards">The source's shards that the reshards closed.</param>
/// <param name="ClosedShardsDone">Of those, the ones the lag monitor finds replicated to their end.</param>
/// <param name="WatermarkBehindSeconds">The newest commit written minus the watermark the lag monitor stored; null if it stored none.</param>
public sealed record ReshardResult(ReplicationCheck Check, int Reshards, int ClosedShards, int ClosedShardsDone, double? WatermarkBehindSeconds)
{
    /// <summary>"Within a few seconds" of the newest commit once caught up.</summary>
    public const double WatermarkSlackSeconds = 5;

    public bool Passed =>
        Check.Missing == 0 && Check.OrderViolations == 0 && Check.Unexpected == 0 && ClosedShardsDone == ClosedShards
        && WatermarkBehindSeconds is <= WatermarkSlackSeconds;

    /// <summary>The figures line of <c>replicator drill reshard</c>.</summary>
    public string FiguresJson() => new JsonObject
    {
        ["records"] = Check.Produced,
        ["lost"] = Check.Missing,
        ["order_violations"] = Check.OrderViolations,
        ["duplicates"] = Check.Duplicates,
        ["reshards"] = Reshards,
        ["closed_shards_done"] = ClosedShardsDone,
        ["watermark_behind_seconds"] = WatermarkBehindSeconds is { } seconds ? Math.Round(seconds, 3) : null,
    }.ToJsonString();
}
