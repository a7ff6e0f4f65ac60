using Replicator.LocalCloud.Emulators;
using System.Diagnostics;
using Replicator.LocalCloud.EventSourceMapping;
using Replicator.LocalCloud.Faults;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;

namespace Replicator.LocalCloud.Demo;

/// <summary>
/// The foundation scenario, end to end on the local two-region cloud: a stream of the same name in
/// both regions, region A active, CDC records produced into A, the relay running in both regions
/// through local event source mappings (B's relay is gated off, proving nothing flows back), and a
/// record-by-record check of B against what was produced.
/// </summary>
/// <param name="functionLog">Receives the relay functions' JSON log lines, as CloudWatch Logs would.</param>
public sealed class ReplicationDemo(TwoRegionCloud cloud, DemoOptions options, TextWriter functionLog)
{
    public async Task<DemoResult> RunAsync(IProgress<DemoProgress>? progress, CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        var limitsBefore = LimitsHit.Of(cloud);
        long failedInvocations = 0;
        var regionA = cloud.CreateKinesisClient(options.RegionA);
        var regionB = cloud.CreateKinesisClient(options.RegionB);
        using var dynamoDb = cloud.CreateDynamoDbClient(options.RegionA);

        Report(progress, "creating streams and tables", 0, null, null);
        await ReplicatorTables.CreateAsync(dynamoDb, cancellationToken).ConfigureAwait(false);
        await ReplicatorTables.SetActiveRegionAsync(dynamoDb, options.StreamName, options.RegionA, cancellationToken).ConfigureAwait(false);
        foreach (var kinesis in new[] { regionA, regionB })
        {
            await kinesis.CreateStreamAsync(options.StreamName, options.Shards, cancellationToken).ConfigureAwait(false);
            await kinesis.WaitUntilActiveAsync(options.StreamName, cancellationToken).ConfigureAwait(false);
        }

        // Faults strike only A's relay, the one that writes; B's relay is gated off and writes nothing.
        var faults = options.Faults is { } plan ? new FaultInjection(plan) : null;
        var relayA = LocalRelay.Create(cloud, options.StreamName, options.RegionA, options.RegionB, options.BatchSize, functionLog, faults, options.RelayTimeout, options.Ordering);
        var relayB = LocalRelay.Create(cloud, options.StreamName, options.RegionB, options.RegionA, options.BatchSize, functionLog, functionTimeout: options.RelayTimeout, ordering: options.Ordering);
        foreach (var relay in new[] { relayA, relayB })
        {
            relay.Invoked += result =>
            {
                if (result.Error is { } error)
                {
                    // Lambda would record a failed invocation in the function's log; the batch is retried.
                    Interlocked.Increment(ref failedInvocations);
                    functionLog.WriteLine($"invocation on {result.ShardId} failed and will be retried: {error.GetType().Name}: {error.Message}");
                }
            };
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var mappings = Task.WhenAll(relayA.RunAsync(stop.Token), relayB.RunAsync(stop.Token));

        var records = CdcProducer.Generate(options.Records, options.Keys, DateTimeOffset.UtcNow.AddHours(-1), options.ZipfExponent);
        var produced = 0;
        await new CdcProducer(regionA, options.StreamName).ProduceAsync(
            records,
            chunkSize: 1000,
            new Progress<int>(n => produced = n),
            cancellationToken).ConfigureAwait(false);
        produced = records.Count;

        var deadline = DateTimeOffset.UtcNow + options.Timeout;
        while (relayA.RecordsAcknowledged < records.Count && DateTimeOffset.UtcNow < deadline)
        {
            Report(progress, "replicating", produced, relayA, relayB);
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        // B's stream is whole once A's relay has acknowledged everything (B's relay is gated and writes nothing).
        // B's relay must read it to its tail: it holds each record at least once, more after retries, and fewer
        // Kinesis records where the relay aggregated, so its own count is what B's relay must reach.
        var target = await StreamContents.ReadAsync(regionB, options.StreamName, cancellationToken).ConfigureAwait(false);
        var inB = target.Sum(s => s.Records.Count);
        while (relayB.RecordsAcknowledged < inB && DateTimeOffset.UtcNow < deadline)
        {
            Report(progress, "replicating", produced, relayA, relayB);
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        Report(progress, "verifying", produced, relayA, relayB);
        await stop.CancelAsync().ConfigureAwait(false);
        await mappings.ConfigureAwait(false);

        var source = await StreamContents.ReadAsync(regionA, options.StreamName, cancellationToken).ConfigureAwait(false);
        var check = ReplicationCheck.Compare(records, target.SelectMany(s => s.UserRecords).Select(r => CdcRecord.Parse(r.Data)), options.Ordering);
        var store = new CheckpointStore(dynamoDb, ReplicatorTables.Checkpoint, TimeProvider.System);
        var checkpoints = await store.ReadAsync(options.StreamName, options.RegionA, options.RegionB, source.Select(s => s.ShardId).ToList(), cancellationToken).ConfigureAwait(false);
        var shards = source.Select(s => new ShardResult(s.ShardId, s.Records.Count, s.TailSequenceNumber, checkpoints.GetValueOrDefault(s.ShardId))).ToArray();

        // The scheduled lag monitor's minute, once: it raises the stream's watermark from the checkpoints and the shard tails.
        await LocalLagMonitor.RunOnceAsync(cloud, options.RegionA, options.StreamName, options.RegionB, cancellationToken).ConfigureAwait(false);
        var watermark = await store.ReadWatermarkAsync(options.StreamName, cancellationToken).ConfigureAwait(false);

        Report(progress, "done", produced, relayA, relayB);
        var injected = faults is null ? null : new InjectedFaults(faults.FailedRecords, faults.ThrottledRequests, faults.Crashes, faults.Stalls);
        return new DemoResult(check, options.Shards, shards, watermark.Value, wall.Elapsed, injected, LimitsHit.Of(cloud).Since(limitsBefore), relayA.Killed + relayB.Killed);

        void Report(IProgress<DemoProgress>? sink, string stage, int count, LocalEventSourceMapping? a, LocalEventSourceMapping? b) =>
            sink?.Report(new DemoProgress(stage, count, a?.RecordsAcknowledged ?? 0, b?.RecordsAcknowledged ?? 0, Interlocked.Read(ref failedInvocations)));
    }
}
