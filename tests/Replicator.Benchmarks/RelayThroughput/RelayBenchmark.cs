using System.Text.Json;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.Relay;
using Spectre.Console;

namespace Replicator.Benchmarks.RelayThroughput;

/// <summary>
/// The relay against the per-record baseline, side by side on one local cloud: target calls per
/// 10,000 records, end-to-end throughput with a simulated 20 ms cross-region round trip and on bare
/// loopback, and a hot key (every record one key).
/// </summary>
public static class RelayBenchmark
{
    private static readonly TimeSpan CrossRegion = TimeSpan.FromMilliseconds(20);

    /// <summary>Records of keys other than <paramref name="hotKey"/>, per second until the last of them arrived.</summary>
    private static double OthersPerSecond(RelayRunResult run, long hotKey)
    {
        var others = run.Arrivals.Where(a => a.Key != hotKey).ToArray();
        return others.Length / others.Max(a => a.After).TotalSeconds;
    }

    /// <summary><paramref name="records"/> spread evenly over <paramref name="length"/> slots, the rest null.</summary>
    private static IEnumerable<Replicator.LocalCloud.Verification.CdcRecord?> Spread(IReadOnlyList<Replicator.LocalCloud.Verification.CdcRecord> records, int length)
    {
        var every = Math.Max(1, length / records.Count);
        for (int slot = 0, next = 0; slot < length; slot++)
        {
            yield return slot % every == 0 && next < records.Count ? records[next++] : null;
        }
    }

    /// <summary>Records a second over the middle half of a run's arrivals in the target, as a share of the 4 target shards' capacity.</summary>
    private static double CapacityShare(RelayRunResult run)
    {
        var arrivals = run.Arrivals.Select(a => a.After).Order().ToArray();
        var (first, last) = (arrivals.Length / 4, (3 * arrivals.Length) / 4);
        return (last - first) / (arrivals[last] - arrivals[first]).TotalSeconds / (4 * TargetShardPacing.ShardRecordsPerSecond);
    }

    public static async Task<int> RunAsync(bool quick)
    {
        var cancellationToken = CancellationToken.None;
        AnsiConsole.MarkupLine($"[grey]template.yaml's relay: {RelayRun.Template}[/]");
        await using var cloud = await TwoRegionCloud.StartAsync(cancellationToken: cancellationToken);
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var (baselineRecords, hotKeyRecords) = quick ? (400, 150) : (2_000, 500);
        var rows = new List<(string Scenario, RelayRunResult Ours, RelayRunResult Baseline)>();

        // keys: null for every record its own key.
        async Task<RelayRunResult> Run(RelayKind kind, int records, int? keys, TimeSpan roundTrip)
        {
            AnsiConsole.MarkupLine($"[grey]{kind}: {records:N0} records, {(keys is { } k ? $"{k:N0}" : "distinct")} keys, round trip {roundTrip.TotalMilliseconds} ms[/]");
            var generated = keys is { } keyCount ? CdcProducer.Generate(records, keyCount, start) : CdcProducer.GenerateDistinct(records, start);
            var result = await RelayRun.RunAsync(cloud, kind, generated, shards: 4, roundTrip, cancellationToken);
            AnsiConsole.MarkupLine($"[grey]  {result.Invocations:N0} invocations, {result.TargetCalls:N0} target calls, {result.Elapsed.TotalSeconds:N2} s[/]");
            return result;
        }

        var distinct = await Run(RelayKind.Batched, 10_000, null, CrossRegion);
        var fiveHundredKeys = await Run(RelayKind.Batched, 10_000, 500, CrossRegion);
        var baselineCrossRegion = await Run(RelayKind.PerRecordBaseline, baselineRecords, null, CrossRegion);
        rows.Add(("10,000 records, distinct keys, 20 ms round trip", distinct, baselineCrossRegion));
        rows.Add(("10,000 records, 500 keys, 20 ms round trip", fiveHundredKeys, baselineCrossRegion));

        var oursLoopback = await Run(RelayKind.Batched, 10_000, null, TimeSpan.Zero);
        var baselineLoopback = await Run(RelayKind.PerRecordBaseline, 10_000, null, TimeSpan.Zero);
        rows.Add(("10,000 records, distinct keys, loopback", oursLoopback, baselineLoopback));

        var hotOurs = await Run(RelayKind.Batched, hotKeyRecords, 1, CrossRegion);
        var hotBaseline = await Run(RelayKind.PerRecordBaseline, hotKeyRecords, 1, CrossRegion);
        rows.Add(($"{hotKeyRecords:N0} records of one key, 20 ms round trip", hotOurs, hotBaseline));

        // The opt-in packed ordering (each key's last copies in order) on the runs strict ordering bounds.
        var hotPacked = await Run(RelayKind.Packed, hotKeyRecords, 1, CrossRegion);
        rows.Add(($"packed: {hotKeyRecords:N0} records of one key, 20 ms round trip", hotPacked, hotBaseline));
        var fiveHundredKeysPacked = await Run(RelayKind.Packed, 10_000, 500, CrossRegion);
        rows.Add(("packed: 10,000 records, 500 keys, 20 ms round trip", fiveHundredKeysPacked, baselineCrossRegion));

        // One hot key among 500 others, against the same 500 keys alone: do the others keep their pace?
        var others = CdcProducer.Generate(quick ? 2_000 : 5_000, 500, start);
        var hot = CdcProducer.Generate(quick ? 300 : 1_000, 1, start, seed: 7);
        var mixed = others.Zip(Spread(hot, others.Count), (o, h) => h is null ? [o] : new[] { o, h }).SelectMany(x => x).ToArray();
        var hotKey = hot[0].Key;
        AnsiConsole.MarkupLine("[grey]mixed: one hot key among 500 others, 20 ms round trip[/]");
        var withHotKey = await RelayRun.RunAsync(cloud, RelayKind.Batched, mixed, shards: 4, CrossRegion, cancellationToken);
        var withoutHotKey = await RelayRun.RunAsync(cloud, RelayKind.Batched, others, shards: 4, CrossRegion, cancellationToken);
        var withHotKeyPacked = await RelayRun.RunAsync(cloud, RelayKind.Packed, mixed, shards: 4, CrossRegion, cancellationToken);
        var withoutHotKeyPacked = await RelayRun.RunAsync(cloud, RelayKind.Packed, others, shards: 4, CrossRegion, cancellationToken);
        var withHotKeyAggregated = await RelayRun.RunAsync(cloud, RelayKind.Aggregated, mixed, shards: 4, CrossRegion, cancellationToken);
        var withoutHotKeyAggregated = await RelayRun.RunAsync(cloud, RelayKind.Aggregated, others, shards: 4, CrossRegion, cancellationToken);
        var othersRate = OthersPerSecond(withHotKey, hotKey);
        var aloneRate = OthersPerSecond(withoutHotKey, hotKey);
        var othersRatePacked = OthersPerSecond(withHotKeyPacked, hotKey);
        var aloneRatePacked = OthersPerSecond(withoutHotKeyPacked, hotKey);
        var othersRateAggregated = OthersPerSecond(withHotKeyAggregated, hotKey);
        var aloneRateAggregated = OthersPerSecond(withoutHotKeyAggregated, hotKey);
        AnsiConsole.MarkupLine(
            $"Other keys: strict {othersRate:N0} records/s beside the hot key, {aloneRate:N0} alone ({othersRate / aloneRate:P0}); " +
            $"packed {othersRatePacked:N0} beside it, {aloneRatePacked:N0} alone ({othersRatePacked / aloneRatePacked:P0}); " +
            $"aggregated {othersRateAggregated:N0} beside it, {aloneRateAggregated:N0} alone ({othersRateAggregated / aloneRateAggregated:P0}). " +
            "Strict, the hot key's shard moves at the hot key's pace (its checkpoint is a contiguous prefix); the other shards do not wait.");

        // A hot key under strict order, aggregated: a backlog of one key's records (as a CDC row updated in a
        // burst), against the ceiling of the one source shard the key lives in (1,000 records a second). The
        // rate counts the whole run, the mapping's reads and the checkpoints included.
        var hotStrictRecords = quick ? 2_000 : 5_000;
        var hotAggregated = await Run(RelayKind.Aggregated, hotStrictRecords, 1, CrossRegion);
        var hotStrictShare = hotAggregated.RecordsPerSecond / TargetShardPacing.ShardRecordsPerSecond;
        AnsiConsole.MarkupLine(
            $"Hot key under strict order, aggregated: {hotAggregated.RecordsPerSecond:N0} records/s, {hotStrictShare:0.00} of its source shard's 1,000 " +
            $"({hotAggregated.TargetCalls:N0} target calls for {hotStrictRecords:N0} records); unaggregated {hotOurs.RecordsPerSecond:N0} records/s ({hotOurs.RecordsPerSecond / TargetShardPacing.ShardRecordsPerSecond:0.00}).");

        // Latency at half the target's capacity (4 shards: 2,000 of their 4,000 records a second), produced while
        // the relay runs, through a mapping with the template's batch size and window; the baseline, which moves
        // under 200 records a second, gets one second of it. The first seconds (cold start, the mapping's first
        // reads) are left out: this measures a relay that is running, the cold start has its own benchmark.
        AnsiConsole.MarkupLine($"[grey]latency: 2,000 records/s produced while the relay runs, 20 ms round trip, batch size {RelayRun.Template.BatchSize:N0}, window {RelayRun.Template.BatchingWindowSeconds} s[/]");
        const int WarmUpSeconds = 5;
        var (latencySeconds, warmUp) = quick ? (8, 2 * 2_000) : (20, WarmUpSeconds * 2_000);
        var halfCapacity = await RelayRun.RunAsync(
            cloud, RelayKind.Batched, CdcProducer.Generate(latencySeconds * 2_000, 5_000, start), shards: 4, CrossRegion, cancellationToken, producedPerSecond: 2_000);
        var halfCapacityBaseline = await RelayRun.RunAsync(
            cloud, RelayKind.PerRecordBaseline, CdcProducer.Generate(2_000, 5_000, start), shards: 4, CrossRegion, cancellationToken, producedPerSecond: 2_000);
        // The same against a target that costs only the round trip: what the relay and the mapping take, without the local Kinesis's time per record.
        var halfCapacityRoundTripOnly = await RelayRun.RunAsync(
            cloud, RelayKind.Batched, CdcProducer.Generate(latencySeconds * 2_000, 5_000, start), shards: 4, CrossRegion, cancellationToken, producedPerSecond: 2_000, new RoundTripOnlyTarget(shards: 4));
        var invocationP50 = RelayRunResult.Percentile(halfCapacity.InvocationTimes, 0.5);
        var invocationP50RoundTripOnly = RelayRunResult.Percentile(halfCapacityRoundTripOnly.InvocationTimes, 0.5);
        AnsiConsole.MarkupLine(
            $"Latency from the source's arrival to the target's at 2,000 records/s, after the first {warmUp / 2_000} s: p50 {halfCapacity.LatencyPercentile(0.5, warmUp).TotalMilliseconds:N0} ms, p99 {halfCapacity.LatencyPercentile(0.99, warmUp).TotalMilliseconds:N0} ms " +
            $"(with them: p99 {halfCapacity.LatencyPercentile(0.99).TotalMilliseconds:N0} ms; baseline, one second of it: p50 {halfCapacityBaseline.LatencyPercentile(0.5).TotalMilliseconds:N0} ms, p99 {halfCapacityBaseline.LatencyPercentile(0.99).TotalMilliseconds:N0} ms); " +
            $"p50 over the run's thirds {string.Join(", ", halfCapacity.Latencies.Chunk((halfCapacity.Latencies.Count + 2) / 3).Select(third => $"{RelayRunResult.Percentile(third, 0.5).TotalMilliseconds:N0}"))} ms (rising: the relay fell behind); " +
            $"{halfCapacity.Invocations:N0} invocations of {halfCapacity.Records / (double)halfCapacity.Invocations:N0} records, p50 {invocationP50.TotalMilliseconds:N0} ms each. " +
            $"Into a target that costs only the 20 ms round trip: p50 {halfCapacityRoundTripOnly.LatencyPercentile(0.5, warmUp).TotalMilliseconds:N0} ms, p99 {halfCapacityRoundTripOnly.LatencyPercentile(0.99, warmUp).TotalMilliseconds:N0} ms, " +
            $"invocations p50 {invocationP50RoundTripOnly.TotalMilliseconds:N0} ms.");

        // At the target's capacity: a backlog of distinct keys the relay moves as fast as the 4 target shards take
        // it (each 1,000 records and 1 MiB a second; these records are small, so records bind), at a 20 ms and an
        // 80 ms round trip (80 ms stands for a transatlantic pair). The rate is taken over the middle half of the
        // records' arrivals in the target, past the shards' first second of allowance and the run's tail.
        var capacityRecords = quick ? 16_000 : 40_000;
        var atCapacity = new List<(int RoundTripMs, RelayRunResult Run)>();
        foreach (var roundTripMs in new[] { 20, 80 })
        {
            atCapacity.Add((roundTripMs, await Run(RelayKind.Batched, capacityRecords, null, TimeSpan.FromMilliseconds(roundTripMs))));
        }

        var recordBytes = CdcProducer.GenerateDistinct(1, start).Select(r => r.ToJson().Length + r.PartitionKey.Length).Single();
        const double Capacity = 4 * TargetShardPacing.ShardRecordsPerSecond;
        AnsiConsole.MarkupLine(
            $"At capacity ({Capacity:N0} records/s, records of {recordBytes} bytes with their key): " +
            string.Join("; ", atCapacity.Select(c => $"{c.RoundTripMs} ms round trip {CapacityShare(c.Run) * Capacity:N0} records/s ({CapacityShare(c.Run):0.00} of capacity), {c.Run.RetriesPerRecord:0.000} retries per record")) +
            $"; baseline {baselineCrossRegion.RecordsPerSecond:N0} records/s ({baselineCrossRegion.RecordsPerSecond / Capacity:0.00}).");

        // The bill for 1 KiB records (data and key), 5,000 keys, at the 20 ms round trip, from what each run used.
        // Invocations into the local Kinesis take longer than into Kinesis (the emulator's time per record), so the
        // relay's Lambda duration here is an upper bound.
        var kib = CdcProducer.Generate(quick ? 2_000 : 10_000, 5_000, start).Select(r => r.WithSize(1024)).ToArray();
        AnsiConsole.MarkupLine($"[grey]cost: {kib.Length:N0} records of 1 KiB, 5,000 keys, 20 ms round trip; baseline {baselineRecords:N0} of them[/]");
        var costOurs = await RelayRun.RunAsync(cloud, RelayKind.Batched, kib, shards: 4, CrossRegion, cancellationToken);
        var costBaseline = await RelayRun.RunAsync(cloud, RelayKind.PerRecordBaseline, kib.Take(baselineRecords).ToArray(), shards: 4, CrossRegion, cancellationToken);
        var bill = RelayCost.PerMillionRecords(costOurs.Usage, costOurs.Records, RelayRun.Template);
        var baselineBill = RelayCost.PerMillionRecords(costBaseline.Usage, costBaseline.Records, RelayRun.Template);
        var costTable = new Table().AddColumns("per million 1 KiB records, USD", "relay", "baseline");
        foreach (var ((part, ours), (_, theirs)) in bill.Parts.Zip(baselineBill.Parts))
        {
            costTable.AddRow(part, $"{ours:0.00000}", $"{theirs:0.00000}");
        }

        costTable.AddRow("total", $"{bill.Total:0.00000}", $"{baselineBill.Total:0.00000}");
        AnsiConsole.Write(costTable);
        var dominant = bill.Parts.MaxBy(p => p.Usd);
        var runnerUp = bill.Parts.Where(p => p.Part != dominant.Part).MaxBy(p => p.Usd);
        AnsiConsole.MarkupLine(
            $"Cost: the largest part of the relay's bill is {dominant.Part} ({dominant.Usd / bill.Total:P0}; {dominant.Usd / runnerUp.Usd:N1}× the next, {runnerUp.Part}); " +
            $"the baseline's costs {baselineBill.Total / bill.Total:N1}× as much. Memory {RelayRun.Template.MemoryMb} MB {RelayRun.Template.Architecture}, tables in {RelayRun.Template.TableReplicas} regions, transfer us-east-1 ↔ us-east-2.");

        var table = new Table().AddColumns("scenario", "relay records/s", "baseline records/s", "ratio", "relay target calls /10k", "strict bound /10k", "baseline calls /10k (target + checkpoint)", "relay retries per record");
        foreach (var (scenario, ours, baseline) in rows)
        {
            table.AddRow(
                scenario,
                $"{ours.RecordsPerSecond:N0}",
                $"{baseline.RecordsPerSecond:N0}",
                $"{ours.RecordsPerSecond / baseline.RecordsPerSecond:N1}",
                $"{ours.TargetCallsPer10K:N0}",
                ours.Kind == RelayKind.Batched ? $"{ours.CallsBoundPer10K:N0}" : "-",
                $"{baseline.AllCallsPer10K:N0}",
                $"{ours.RetriesPerRecord:0.000}");
        }

        AnsiConsole.Write(table);
        var figures = new RelayFigures(
            Math.Round(distinct.TargetCallsPer10K),
            Math.Round(fiveHundredKeys.TargetCallsPer10K),
            Math.Round(fiveHundredKeys.CallsBoundPer10K),
            Math.Round(baselineCrossRegion.AllCallsPer10K),
            Math.Round(distinct.RecordsPerSecond / baselineCrossRegion.RecordsPerSecond, 1),
            Math.Round(oursLoopback.RecordsPerSecond / baselineLoopback.RecordsPerSecond, 1),
            Math.Round(hotOurs.RecordsPerSecond / hotBaseline.RecordsPerSecond, 2),
            Math.Round(hotPacked.RecordsPerSecond / hotBaseline.RecordsPerSecond, 1),
            Math.Round(fiveHundredKeysPacked.TargetCallsPer10K),
            Math.Round(othersRate / aloneRate, 2),
            Math.Round(othersRatePacked / aloneRatePacked, 2),
            Math.Round(distinct.RetriesPerRecord, 3),
            Math.Round(halfCapacity.LatencyPercentile(0.5, warmUp).TotalMilliseconds),
            Math.Round(halfCapacity.LatencyPercentile(0.99, warmUp).TotalMilliseconds),
            Math.Round(halfCapacityBaseline.LatencyPercentile(0.5).TotalMilliseconds),
            Math.Round(halfCapacityBaseline.LatencyPercentile(0.99).TotalMilliseconds),
            Math.Round(baselineCrossRegion.RetriesPerRecord, 3),
            Math.Round(CapacityShare(atCapacity[0].Run), 3),
            Math.Round(CapacityShare(atCapacity[1].Run), 3),
            Math.Round(atCapacity.Max(c => c.Run.RetriesPerRecord), 3),
            Math.Round(baselineCrossRegion.RecordsPerSecond / Capacity, 3),
            recordBytes,
            Math.Round(invocationP50.TotalMilliseconds),
            Math.Round(hotStrictShare, 2),
            Math.Round(hotOurs.RecordsPerSecond / TargetShardPacing.ShardRecordsPerSecond, 3),
            Math.Round(othersRateAggregated / aloneRateAggregated, 2),
            Math.Round(halfCapacityRoundTripOnly.LatencyPercentile(0.5, warmUp).TotalMilliseconds),
            Math.Round(halfCapacityRoundTripOnly.LatencyPercentile(0.99, warmUp).TotalMilliseconds),
            Math.Round(invocationP50RoundTripOnly.TotalMilliseconds),
            Math.Round(bill.Total, 4),
            Math.Round(baselineBill.Total, 4));
        Console.Out.WriteLine(JsonSerializer.Serialize(figures, RelayFiguresJsonContext.Default.RelayFigures));
        return 0;
    }
}
