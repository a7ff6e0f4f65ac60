using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.S3;
using Replicator.Benchmarks.RelayThroughput;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.Replay;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;
using Replicator.Replay;
using Spectre.Console;

namespace Replicator.Benchmarks.Replay;

/// <summary>
/// Replay throughput, one lane against eight, side by side on the same archive (40,000 CDC records of
/// 5,000 keys committed over an hour; 10,000 with --quick) with a simulated 20 ms cross-region round
/// trip on every PutRecords: into region B's emulator on the local cloud, and into a target that only
/// costs the round trip (the emulator caps what eight lanes can show on two cores). Per-key order is
/// verified in every run. Then eight lanes under a rate limit, to measure how close the rate sent is to it.
/// </summary>
public static class ReplayBenchmark
{
    private const int Lanes = 8;
    private static readonly TimeSpan RoundTrip = TimeSpan.FromMilliseconds(20);

    /// <summary>The round-trip-only target's shards: 64,000 records a second, far above what eight lanes send.</summary>
    private const int RoundTripOnlyShards = 64;
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 6, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(bool quick)
    {
        var count = quick ? 10_000 : 40_000;
        var rateWindow = TimeSpan.FromSeconds(quick ? 10 : 30);
        await using var cloud = await TwoRegionCloud.StartAsync();
        var records = CdcProducer.Generate(count, keys: 5_000, Start).Select((r, i) => r with { CommitTimestamp = Start.AddSeconds(3600.0 * i / count) }).ToList();
        Console.WriteLine($"Archiving {count:N0} records of 5,000 keys through the local Firehose");
        var archive = await ArchivedStream.CreateAsync(cloud, cloud.Regions.First(), records, shards: 4, CancellationToken.None);
        await ReplicatorTables.CreateAsync(cloud.CreateDynamoDbClient(archive.Region), CancellationToken.None);

        var single = await MeasureAsync(cloud, archive, records, lanes: 1, recordsPerSecond: null, latencyOnly: false);
        var lanes = await MeasureAsync(cloud, archive, records, Lanes, recordsPerSecond: null, latencyOnly: false);
        var singleLatencyOnly = await MeasureAsync(cloud, archive, records, lanes: 1, recordsPerSecond: null, latencyOnly: true);
        var lanesLatencyOnly = await MeasureAsync(cloud, archive, records, Lanes, recordsPerSecond: null, latencyOnly: true);
        var lanesLatencyOnlyAggregated = await MeasureAsync(cloud, archive, records, Lanes, recordsPerSecond: null, latencyOnly: true, RelayOrdering.Aggregated);
        var limit = Math.Round(Math.Min(count / rateWindow.TotalSeconds, lanes.RecordsPerSecond / 2));
        var paced = await MeasureAsync(cloud, archive, records, Lanes, limit, latencyOnly: false);
        var rateError = (paced.RecordsPerSecond - limit) / limit * 100;

        var table = new Table().AddColumns("replay, 20 ms round trip", "records/s", "vs 1 lane", "seconds", "PutRecords calls", "lost", "order violations", "outside the range");
        foreach (var (name, run, baseline) in new[]
        {
            ("local cloud: 1 lane (baseline)", single, single),
            ($"local cloud: {Lanes} lanes", lanes, single),
            ("round trip only: 1 lane (baseline)", singleLatencyOnly, singleLatencyOnly),
            ($"round trip only: {Lanes} lanes", lanesLatencyOnly, singleLatencyOnly),
            ($"round trip only: {Lanes} lanes, aggregated", lanesLatencyOnlyAggregated, singleLatencyOnly),
            ($"local cloud: {Lanes} lanes, limit {limit:N0} records/s", paced, single),
        })
        {
            table.AddRow(name, N(run.RecordsPerSecond), (run.RecordsPerSecond / baseline.RecordsPerSecond).ToString("0.00", CultureInfo.InvariantCulture),
                run.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture), N(run.Calls), N(run.Check.Missing), N(run.Check.OrderViolations), N(run.Check.Unexpected));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Rate limit {limit:N0} records/s; sent {paced.RecordsPerSecond:N0} records/s over {paced.Elapsed.TotalSeconds:0.0} s ({rateError:+0.0;-0.0} %).");
        Console.Out.WriteLine(new JsonObject
        {
            ["lanes"] = Lanes,
            ["single_lane_rps"] = Math.Round(single.RecordsPerSecond),
            ["lanes_rps"] = Math.Round(lanes.RecordsPerSecond),
            ["speedup"] = Math.Round(lanes.RecordsPerSecond / single.RecordsPerSecond, 2),
            ["rate_error_pct"] = Math.Round(rateError, 1),
            // Under strict order a request holds one record per key, so what the order packs together costs
            // requests; measured where the target costs only the round trip (the local cloud's target also
            // refuses what passes its 4,000 records a second, and those are sent again).
            ["replay_calls_per_10k"] = Math.Round(lanesLatencyOnly.Calls * 10_000.0 / count, 1),
            ["replay_calls_bound_per_10k"] = Math.Round(CallsBound(records, Lanes) * 10_000.0 / count, 1),
            ["single_lane_calls_per_10k"] = Math.Round(singleLatencyOnly.Calls * 10_000.0 / count, 1),
            ["single_lane_calls_bound_per_10k"] = Math.Round(CallsBound(records, 1) * 10_000.0 / count, 1),
            ["replay_calls_per_10k_local_cloud"] = Math.Round(lanes.Calls * 10_000.0 / count, 1),
            // Aggregated (where the relay aggregates, so does the replay): a key's records in a chunk go as one record.
            ["replay_calls_per_10k_aggregated"] = Math.Round(lanesLatencyOnlyAggregated.Calls * 10_000.0 / count, 1),
            ["round_trip_only_single_lane_rps"] = Math.Round(singleLatencyOnly.RecordsPerSecond),
            ["round_trip_only_lanes_rps"] = Math.Round(lanesLatencyOnly.RecordsPerSecond),
            ["round_trip_only_speedup"] = Math.Round(lanesLatencyOnly.RecordsPerSecond / singleLatencyOnly.RecordsPerSecond, 2),
            // CPU seconds the run took in this process and the emulators together: with them on this machine's
            // cores, eight lanes cannot finish before that work divided by the cores, whatever the round trips.
            ["round_trip_only_single_lane_cpu_s"] = Math.Round(singleLatencyOnly.CpuSeconds, 2),
            ["round_trip_only_lanes_cpu_s"] = Math.Round(lanesLatencyOnly.CpuSeconds, 2),
            ["cores"] = Environment.ProcessorCount,
            ["round_trip_only_speedup_cpu_ceiling"] = Math.Round(singleLatencyOnly.Elapsed.TotalSeconds / (lanesLatencyOnly.CpuSeconds / Environment.ProcessorCount), 2),
        }.ToJsonString());
        return new[] { single, lanes, singleLatencyOnly, lanesLatencyOnly, lanesLatencyOnlyAggregated, paced }.All(r => r.Check.Passed) ? 0 : 1;
    }

    /// <summary>The fewest requests a replay in <paramref name="lanes"/> lanes can make under strict order: the sum of each lane's bound.</summary>
    private static long CallsBound(IReadOnlyList<CdcRecord> records, int lanes) =>
        records.GroupBy(r => ArchiveReader.LaneOf(r.PartitionKey, lanes))
            .Sum(lane => RelayRun.StrictRequestsBound(lane.Select(r => r.PartitionKey).ToList()));

    private sealed record Run(double RecordsPerSecond, TimeSpan Elapsed, long Calls, ReplicationCheck Check, double CpuSeconds);

    private static double CpuSeconds(TwoRegionCloud cloud) =>
        new[] { Environment.ProcessId }.Concat(cloud.ProcessIds).Sum(id =>
        {
            using var process = Process.GetProcessById(id);
            return process.TotalProcessorTime.TotalSeconds;
        });

    /// <summary>Replays the whole archive into a new stream in B (or the round-trip-only target), all lanes at once as the state machine's Map runs them.</summary>
    private static async Task<Run> MeasureAsync(
        TwoRegionCloud cloud, ArchivedStream archive, IReadOnlyList<CdcRecord> records, int lanes, double? recordsPerSecond, bool latencyOnly, RelayOrdering ordering = RelayOrdering.Strict)
    {
        var (a, b) = (archive.Region, cloud.Regions.Last());
        var target = $"replay-bench-{Guid.NewGuid():N}"[..24];
        var kinesis = cloud.CreateKinesisClient(b);
        await kinesis.CreateStreamAsync(target, 4, CancellationToken.None);
        await kinesis.WaitUntilActiveAsync(target, CancellationToken.None);
        var plan = new ReplayRequest(archive.Stream, Start, Start.AddHours(1), target, b, lanes, recordsPerSecond).Plan(a, "benchmark", (Start, Start.AddHours(1)), 1, 0, 0);
        var progress = new ReplayProgressStore(cloud.CreateDynamoDbClient(a), ReplicatorTables.ReplayProgress);
        await progress.ClaimAsync(plan, plan.Owner, CancellationToken.None);
        // Shards enough that their rate (the relay's delivery paces each to 1,000 records a second) is not what a run measures.
        var roundTripOnly = new RoundTripOnlyTarget(RoundTripOnlyShards);
        var counting = new CountingRoundTrip(latencyOnly ? roundTripOnly : new KinesisPutRecordsTarget(kinesis), RoundTrip);
        // A replayer (and so a delivery, with its pacing of the target's shards) per lane: the Map runs each lane
        // as its own invocation, and Lambda never runs two invocations in one execution environment.
        LaneReplayer Replayer() => new(
            new ArchiveReader(new S3Reader(new AwsServiceOptions(a, cloud.Credentials, AwsEnvironment.HttpClient) { EndpointOverride = cloud.Region(a).S3Endpoint }), archive.Bucket),
            new RecordDelivery(counting, PutRecordsLimits.Kinesis, TimeProvider.System, ordering),
            progress,
            chunkSize: ReplaySettings.DefaultChunkRecords,
            TimeProvider.System);
        Console.WriteLine($"Replaying into {(latencyOnly ? "the round-trip-only target" : target)} in {lanes} lane(s){(recordsPerSecond is { } rps ? $" at {rps:N0} records/s" : "")}, {ordering.ToString().ToLowerInvariant()}");

        var cpuBefore = CpuSeconds(cloud);
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, lanes).Select(lane =>
            Task.Run(() => Replayer().RunAsync(plan, lane, () => false, DateTimeOffset.UtcNow.AddMinutes(10), CancellationToken.None))));
        clock.Stop();
        var cpu = CpuSeconds(cloud) - cpuBefore;

        var sent = results.Sum(r => r.Sent);
        var arrived = latencyOnly
            ? roundTripOnly.Contents.SelectMany(s => s.UserRecords).Select(r => CdcRecord.Parse(r.Data)).ToList()
            : (await StreamContents.ReadAsync(kinesis, target, CancellationToken.None)).SelectMany(s => s.UserRecords).Select(r => CdcRecord.Parse(r.Data)).ToList();
        // Timed from the start, archive reading included: what an operator waits for, and the window the rate limit counts from.
        return new Run(sent / clock.Elapsed.TotalSeconds, clock.Elapsed, counting.Calls, ReplicationCheck.Compare(records, arrived), cpu);
    }

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
