using System.Diagnostics;
using Replicator.Lambda;
using Replicator.Lambda.Runtime;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.EventSourceMapping;
using Replicator.LocalCloud.Migration;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;

namespace Replicator.Benchmarks.RelayThroughput;

public enum RelayKind
{
    /// <summary>This project's relay, as shipped.</summary>
    Batched,

    /// <summary>This project's relay with <c>RELAY_ORDERING=packed</c>: a key's records share requests.</summary>
    Packed,

    /// <summary>This project's relay with <c>RELAY_ORDERING=aggregated</c>: strict, a key's runs as KPL aggregated records.</summary>
    Aggregated,

    /// <summary>The seed-004-style baseline: one target write and one checkpoint write per record.</summary>
    PerRecordBaseline,
}

/// <summary>What one run measured: calls into the target, checkpoint writes (baseline only counts them), and time to replicate everything.</summary>
/// <param name="Arrivals">Each record's key and how long after the start it arrived in the target (by the target's arrival timestamp).</param>
/// <param name="CallsBound">The fewest target calls strict order allows for the batches the relay was given (<see cref="RelayRun.StrictRequestsBound"/>).</param>
/// <param name="Latencies">Produced while the relay runs: each record's time from its arrival in the source to its arrival in the target, by the two streams' arrival timestamps, in the order they arrived in the source; otherwise empty.</param>
/// <param name="Usage">What the run used that AWS bills by use, its invocations' durations among it.</param>
public sealed record RelayRunResult(RelayKind Kind, int Records, long TargetCalls, long CheckpointWrites, TimeSpan Elapsed, IReadOnlyList<(long Key, TimeSpan After)> Arrivals, long RecordsSent, long CallsBound, IReadOnlyList<TimeSpan> Latencies, BilledUsage Usage)
{
    public long Invocations => Usage.Invocations;

    public IReadOnlyList<TimeSpan> InvocationTimes => Usage.InvocationTimes;

    /// <summary>The latency <paramref name="fraction"/> of the records were replicated within (nearest rank), leaving out the first <paramref name="warmUp"/> records produced.</summary>
    public TimeSpan LatencyPercentile(double fraction, int warmUp = 0) => Percentile(Latencies.Skip(warmUp), fraction);

    /// <summary>The value <paramref name="fraction"/> of <paramref name="values"/> are within (nearest rank).</summary>
    public static TimeSpan Percentile(IEnumerable<TimeSpan> values, double fraction)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public double CallsBoundPer10K => CallsBound * 10_000.0 / Records;

    /// <summary>Records sent again (refused by a full shard, or behind a failure) per record delivered.</summary>
    public double RetriesPerRecord => (RecordsSent - Records) / (double)Records;

    public double RecordsPerSecond => Records / Elapsed.TotalSeconds;

    public double TargetCallsPer10K => TargetCalls * 10_000.0 / Records;

    public double AllCallsPer10K => (TargetCalls + CheckpointWrites) * 10_000.0 / Records;
}

/// <summary>
/// One measured replication on the local cloud: the records are produced into region A first, then
/// the relay runs through the local event source mapping (batch size 500) until every record is
/// durable in region B. Only that second part is timed. With a production rate, the records are
/// produced at that rate while the relay runs, through a mapping that polls and batches as Lambda's
/// does with the template's defaults (a poll a second per shard when caught up, its batch size and
/// batching window), and each record's latency is measured.
/// </summary>
public static class RelayRun
{
    public static RelayTemplateDefaults Template { get; } = RelayTemplateDefaults.Read();

    public static async Task<RelayRunResult> RunAsync(
        TwoRegionCloud cloud, RelayKind kind, IReadOnlyList<CdcRecord> records, int shards, TimeSpan roundTrip, CancellationToken cancellationToken, double? producedPerSecond = null,
        RoundTripOnlyTarget? roundTripOnly = null)
    {
        const string regionA = TwoRegionCloud.DefaultRegionA, regionB = TwoRegionCloud.DefaultRegionB;
        var stream = $"bench-{Guid.NewGuid():N}"[..20];
        using var dynamoDb = cloud.CreateDynamoDbClient(regionA);
        await ReplicatorTables.CreateAsync(dynamoDb, cancellationToken);
        await ReplicatorTables.SetActiveRegionAsync(dynamoDb, stream, regionA, cancellationToken);
        var source = cloud.CreateKinesisClient(regionA);
        var target = cloud.CreateKinesisClient(regionB);
        await source.CreateStreamAsync(stream, shards, cancellationToken);
        await target.CreateStreamAsync(stream, shards, cancellationToken);
        await source.WaitUntilActiveAsync(stream, cancellationToken);
        await target.WaitUntilActiveAsync(stream, cancellationToken);
        var producer = new CdcProducer(source, stream);
        if (producedPerSecond is null)
        {
            await producer.ProduceAsync(records, 1000, null, cancellationToken);
        }

        var invocationTimes = new System.Collections.Concurrent.ConcurrentQueue<TimeSpan>();
        CountingRoundTrip? counting = null;
        long callsBound = 0;
        Seed004Relay? baseline = null;
        LambdaHandler function;
        var ordering = kind switch
        {
            RelayKind.Packed => RelayOrdering.Packed,
            RelayKind.Aggregated => RelayOrdering.Aggregated,
            _ => RelayOrdering.Strict,
        };
        if (kind != RelayKind.PerRecordBaseline)
        {
            var environment = LocalFunctionEnvironment.Relay(cloud, regionA, regionB);
            environment[RelayEnvironment.Ordering] = ordering.ToString().ToLowerInvariant();
            function = RelayFactory.Create(environment, inner => counting = new CountingRoundTrip(roundTripOnly ?? inner, roundTrip), TextWriter.Null).HandleAsync;
        }
        else
        {
            counting = new CountingRoundTrip(new KinesisPutRecordsTarget(target), roundTrip);
            baseline = new Seed004Relay(counting, dynamoDb, ReplicatorTables.Checkpoint);
            function = baseline.HandleAsync;
        }

        LambdaHandler handler = async (payload, context, token) =>
        {
            if (baseline is null)
            {
                Interlocked.Add(ref callsBound, StrictRequestsBound(payload.Span));
            }

            var invocation = Stopwatch.StartNew();
            var response = await function(payload, context, token);
            invocationTimes.Enqueue(invocation.Elapsed);
            return response;
        };

        var mapping = new LocalEventSourceMapping(
            source,
            stream,
            () => FunctionInstance.OverSharedClients(handler),
            (requestId, timeout) => new LambdaContext(
                new Invocation(requestId, DateTimeOffset.UtcNow + timeout, "arn:aws:lambda:us-east-1:123456789012:function:bench", null, []),
                new Dictionary<string, string>(),
                new JsonLinesLogger(TextWriter.Null, requestId, TimeProvider.System),
                TimeProvider.System),
            producedPerSecond is null
                ? new EventSourceMappingOptions { BatchSize = 500, FunctionTimeout = TimeSpan.FromMinutes(5), IdlePollInterval = TimeSpan.FromMilliseconds(10) }
                : new EventSourceMappingOptions { BatchSize = Template.BatchSize, BatchingWindow = TimeSpan.FromSeconds(Template.BatchingWindowSeconds), FunctionTimeout = TimeSpan.FromMinutes(5) });

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writeUnitsBefore = cloud.TableWriteUnits;
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var running = mapping.RunAsync(stop.Token);
        if (producedPerSecond is { } rate)
        {
            await ProduceAtAsync(producer, records, rate, cancellationToken);
        }

        while (mapping.RecordsAcknowledged < records.Count)
        {
            await Task.Delay(5, cancellationToken);
        }

        clock.Stop();
        await stop.CancelAsync();
        await running;
        var usage = new BilledUsage(mapping.Invocations, [.. invocationTimes], counting!.PutPayloadUnits, counting.CrossRegionBytes, cloud.TableWriteUnits - writeUnitsBefore);
        var targetContents = roundTripOnly?.Contents ?? await StreamContents.ReadAsync(target, stream, cancellationToken);
        var arrivals = Verify(targetContents, records, ordering, started);
        var latencies = producedPerSecond is null ? [] : await LatenciesAsync(source, targetContents, stream, cancellationToken);
        return new RelayRunResult(kind, records.Count, counting.Calls, baseline?.CheckpointWrites ?? 0, clock.Elapsed, arrivals, counting.RecordsSent, callsBound, latencies, usage);
    }

    /// <summary>Produces in tenths of a second's worth, each tenth on its schedule, so the source sees a steady rate.</summary>
    private static async Task ProduceAtAsync(CdcProducer producer, IReadOnlyList<CdcRecord> records, double perSecond, CancellationToken cancellationToken)
    {
        var tenth = Math.Max(1, (int)(perSecond / 10));
        var clock = Stopwatch.StartNew();
        for (var offset = 0; offset < records.Count; offset += tenth)
        {
            var due = TimeSpan.FromSeconds(offset / perSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }

            await producer.ProduceAsync(records.Skip(offset).Take(tenth).ToList(), tenth, null, cancellationToken);
        }
    }

    /// <summary>Each record's arrival in the target less its arrival in the source (the copy first landed; a record sent twice counts once).</summary>
    private static async Task<IReadOnlyList<TimeSpan>> LatenciesAsync(Aws.Kinesis.KinesisClient source, IReadOnlyList<ShardContents> target, string stream, CancellationToken cancellationToken)
    {
        var produced = (await StreamContents.ReadAsync(source, stream, cancellationToken)).SelectMany(s => s.UserRecords)
            .ToDictionary(r => CdcRecord.Parse(r.Data), r => r.ArrivedAt);
        var replicated = new Dictionary<CdcRecord, DateTimeOffset>();
        foreach (var record in target.SelectMany(s => s.UserRecords))
        {
            var key = CdcRecord.Parse(record.Data);
            replicated[key] = replicated.TryGetValue(key, out var earlier) && earlier < record.ArrivedAt ? earlier : record.ArrivedAt;
        }

        return replicated.OrderBy(r => produced[r.Key]).Select(r => r.Value - produced[r.Key]).ToList();
    }

    /// <summary>
    /// The fewest PutRecords calls a batch needs under strict order (<see cref="StrictRequestsBound(IReadOnlyCollection{string})"/>).
    /// A batch the mapping sends again (after a partial failure) counts again, as it must be sent again.
    /// </summary>
    public static long StrictRequestsBound(ReadOnlySpan<byte> kinesisEvent)
    {
        using var document = System.Text.Json.JsonDocument.Parse(kinesisEvent.ToArray());
        return StrictRequestsBound(document.RootElement.GetProperty("Records").EnumerateArray()
            .Select(r => r.GetProperty("kinesis").GetProperty("partitionKey").GetString()!)
            .ToList());
    }

    /// <summary>
    /// The fewest PutRecords calls that send records of these keys under strict order: one record per key
    /// per request, so as many as the busiest key has records, and at least one per request's worth.
    /// </summary>
    public static long StrictRequestsBound(IReadOnlyCollection<string> partitionKeys) =>
        partitionKeys.Count == 0
            ? 0
            : Math.Max(
                (partitionKeys.Count + PutRecordsLimits.Kinesis.MaxRecords - 1) / PutRecordsLimits.Kinesis.MaxRecords,
                partitionKeys.GroupBy(k => k, StringComparer.Ordinal).Max(g => g.Count()));

    /// <summary>A benchmark of a relay that lost or reordered records would measure nothing: check before reporting.</summary>
    private static IReadOnlyList<(long Key, TimeSpan After)> Verify(IReadOnlyList<ShardContents> target, IReadOnlyList<CdcRecord> records, RelayOrdering ordering, DateTimeOffset started)
    {
        var arrived = target.SelectMany(s => s.UserRecords).ToArray();
        var check = ReplicationCheck.Compare(records, arrived.Select(r => CdcRecord.Parse(r.Data)), ordering);
        if (!check.Passed)
        {
            throw new InvalidOperationException($"Replication in the benchmark went wrong: {check}");
        }

        return arrived
            .Select(r => (CdcRecord.Parse(r.Data).Key, r.ArrivedAt - started))
            .ToArray();
    }
}
