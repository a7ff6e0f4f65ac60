using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2.Model;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.Relay;
using Spectre.Console;

namespace Replicator.Benchmarks.Checkpoints;

/// <summary>
/// Checkpoint cost per relay batch at 4 and 512 source shards (issue 14, item 1): write capacity units
/// DynamoDB reports per batch, and the largest item, for this project's per-shard items against the
/// earlier one-item-per-stream design, side by side on the local cloud's DynamoDB (dynalite, which
/// reports consumed capacity as DynamoDB does: the larger of the item before and after, per KB).
/// </summary>
public static class CheckpointBenchmark
{
    private const string Source = "us-east-1";
    private const string Target = "us-west-2";

    public static async Task<int> RunAsync(bool quick)
    {
        var cancellationToken = CancellationToken.None;
        // It measures what each write costs, not how many a key takes: the per-key limit, which the baseline
        // passes at once at 512 shards (StrictDynamoDbTests shows it), is off.
        await using var cloud = await TwoRegionCloud.StartAsync(cancellationToken: cancellationToken, dynamoDbLimits: LocalCloud.Limits.DynamoDbLimits.Off);
        var dynamoDb = cloud.CreateDynamoDbClient(TwoRegionCloud.DefaultRegionA);
        await ReplicatorTables.CreateAsync(dynamoDb, cancellationToken);
        var batches = quick ? 200 : 2_000;

        var rows = new List<(int Shards, Run Ours, Run Baseline, Run Sample)>();
        foreach (var shards in new[] { 4, 512 })
        {
            var ours = await RunOursAsync(dynamoDb, shards, batches, cancellationToken);
            var baseline = await RunBaselineAsync(dynamoDb, shards, batches, cancellationToken);
            rows.Add((shards, ours, baseline, await RunSampleAsync(dynamoDb, shards, cancellationToken)));
        }

        var table = new Table().AddColumns("source shards", "WCU per batch", "largest item (bytes)", "baseline WCU per batch", "baseline item (bytes)", "WCU ratio", "+ position sample WCU (bytes)");
        foreach (var (shards, ours, baseline, sample) in rows)
        {
            table.AddRow(
                shards.ToString(CultureInfo.InvariantCulture),
                F(ours.WcuPerBatch),
                ours.MaxItemBytes.ToString("N0", CultureInfo.InvariantCulture),
                F(baseline.WcuPerBatch),
                baseline.MaxItemBytes.ToString("N0", CultureInfo.InvariantCulture),
                $"{baseline.WcuPerBatch / ours.WcuPerBatch:0.0}x",
                $"{F(sample.WcuPerBatch)} ({sample.MaxItemBytes:N0})");
        }

        AnsiConsole.MarkupLine($"[grey]{batches:N0} batches per run, each checkpointing one random shard, after one batch per shard; one source, one target. A position sample is the one other write of a relay invocation: a batch of {SampleBatchRecords} records landing in as many target shards of a stream of that many shards as its keys reach.[/]");
        AnsiConsole.Write(table);
        Console.Out.WriteLine(new JsonObject
        {
            ["wcu_per_batch_4_shards"] = Math.Round(rows[0].Ours.WcuPerBatch, 3),
            ["wcu_per_batch_512_shards"] = Math.Round(rows[1].Ours.WcuPerBatch, 3),
            ["max_item_bytes"] = rows.Max(r => r.Ours.MaxItemBytes),
            ["baseline_wcu_per_batch_4_shards"] = Math.Round(rows[0].Baseline.WcuPerBatch, 3),
            ["baseline_wcu_per_batch_512_shards"] = Math.Round(rows[1].Baseline.WcuPerBatch, 3),
            ["baseline_max_item_bytes"] = rows.Max(r => r.Baseline.MaxItemBytes),
            ["position_sample_wcu_per_batch_4_shards"] = Math.Round(rows[0].Sample.WcuPerBatch, 3),
            ["position_sample_wcu_per_batch_512_shards"] = Math.Round(rows[1].Sample.WcuPerBatch, 3),
        }.ToJsonString());
        return rows.All(r => r.Ours.WcuPerBatch <= 2) ? 0 : 1;
    }

    private sealed record Run(double WcuPerBatch, int MaxItemBytes);

    private static async Task<Run> RunOursAsync(Amazon.DynamoDBv2.IAmazonDynamoDB dynamoDb, int shards, int batches, CancellationToken cancellationToken)
    {
        var stream = $"checkpoints-{shards}-{Guid.NewGuid():N}";
        var store = new CheckpointStore(dynamoDb, ReplicatorTables.Checkpoint, TimeProvider.System);
        var wcu = await MeasureAsync(shards, batches, c => store.AdvanceAsync(stream, c, cancellationToken), () => store.WriteUnitsConsumed);
        var items = new List<Dictionary<string, AttributeValue>>();
        foreach (var shardId in ShardIds(shards).Take(8))
        {
            items.Add((await dynamoDb.GetItemAsync(ReplicatorTables.Checkpoint, Key(CheckpointKeys.Of(stream, Source, Target, shardId)), cancellationToken)).Item);
        }

        return new Run(wcu, items.Max(DynamoItemSize.Of));
    }

    /// <summary>The relay's batch size in template.yaml's default.</summary>
    private const int SampleBatchRecords = 100;

    /// <summary>
    /// One relay invocation's position sample (issue 17) in a stream of <paramref name="shards"/> shards in each
    /// region: its records' keys spread over the target's shards, each landing there once at least. A write costs a
    /// unit per KB of the item (DynamoDB's rule), read back here as the item's size.
    /// </summary>
    private static async Task<Run> RunSampleAsync(Amazon.DynamoDBv2.IAmazonDynamoDB dynamoDb, int shards, CancellationToken cancellationToken)
    {
        var stream = $"positions-{shards}-{Guid.NewGuid():N}";
        var random = new Random(shards);
        var landings = Enumerable.Range(0, SampleBatchRecords)
            .GroupBy(_ => ShardIds(shards)[random.Next(shards)])
            .ToDictionary(g => g.Key, g => Landing(random, g.Count()));
        var sample = new PositionSample("shardId-000000000000", $"4962{random.NextInt64():D52}", DateTimeOffset.UtcNow, landings);
        var samples = new PositionSamples(dynamoDb, ReplicatorTables.Positions, RelaySettings.DefaultPositionSampleRetention);
        await samples.WriteAsync(stream, Source, Target, sample, cancellationToken);
        var item = (await dynamoDb.GetItemAsync(ReplicatorTables.Positions, new Dictionary<string, AttributeValue>
        {
            [PositionSamples.SourceShard] = new() { S = PositionSamples.KeyOf(stream, Source, Target, sample.SourceShardId) },
            [PositionSamples.FirstSequenceNumber] = new() { S = SequenceNumbers.Pad(sample.FirstSourceSequenceNumber) },
        }, cancellationToken)).Item;
        var bytes = DynamoItemSize.Of(item);
        return new Run(Math.Ceiling(bytes / 1024.0), bytes);
    }

    /// <summary>Real sequence numbers of one shard: 56 digits, later records' larger by about 10^20 per second apart.</summary>
    private static TargetShardLanding Landing(Random random, int count)
    {
        var first = System.Numerics.BigInteger.Parse($"4963{random.NextInt64():D19}{random.NextInt64():D19}{random.Next():D14}", CultureInfo.InvariantCulture);
        var last = first + (count == 1 ? 0 : new System.Numerics.BigInteger(random.NextInt64()) * 100);
        return new TargetShardLanding(first.ToString(CultureInfo.InvariantCulture), last.ToString(CultureInfo.InvariantCulture), count);
    }

    private static async Task<Run> RunBaselineAsync(Amazon.DynamoDBv2.IAmazonDynamoDB dynamoDb, int shards, int batches, CancellationToken cancellationToken)
    {
        var stream = $"checkpoints-baseline-{shards}-{Guid.NewGuid():N}";
        var baseline = new StreamItemBaseline(dynamoDb, ReplicatorTables.Checkpoint);
        var wcu = await MeasureAsync(shards, batches, c => baseline.AdvanceAsync(stream, c, cancellationToken), () => baseline.WriteUnitsConsumed);
        var item = (await dynamoDb.GetItemAsync(ReplicatorTables.Checkpoint, Key(stream), cancellationToken)).Item;
        return new Run(wcu, DynamoItemSize.Of(item));
    }

    /// <summary>One checkpoint per shard first (the steady state: every shard has one), then <paramref name="batches"/> on random shards.</summary>
    private static async Task<double> MeasureAsync(int shards, int batches, Func<ShardCheckpoint, Task> advance, Func<double> consumed)
    {
        var ids = ShardIds(shards);
        var sequence = new long[shards];
        var random = new Random(shards);
        var commit = new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);
        Task Batch(int shard)
        {
            sequence[shard] += 500;
            commit = commit.AddMilliseconds(random.Next(1, 50));
            return advance(new ShardCheckpoint(Target, ids[shard], $"4962{sequence[shard]:D40}", commit, Source));
        }

        for (var shard = 0; shard < shards; shard++)
        {
            await Batch(shard);
        }

        var before = consumed();
        for (var i = 0; i < batches; i++)
        {
            await Batch(random.Next(shards));
        }

        return (consumed() - before) / batches;
    }

    private static string[] ShardIds(int shards) => Enumerable.Range(0, shards).Select(i => $"shardId-{i:D12}").ToArray();

    private static Dictionary<string, AttributeValue> Key(string key) => new() { [TableAttributes.StreamName] = new AttributeValue { S = key } };

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
