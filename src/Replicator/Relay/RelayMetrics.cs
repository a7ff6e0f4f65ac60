using Replicator.Telemetry;

namespace Replicator.Relay;

/// <summary>
/// Turns one relay invocation into EMF lines: counts and checkpoint lag per stream and target, and
/// replication latency measured from the commit timestamp and, separately, from the arrival time.
/// </summary>
public sealed class RelayMetrics(EmbeddedMetrics emf, string targetRegion, TimeProvider clock)
{
    public void BatchDone(SourceBatch batch, BatchReport report, string requestId)
    {
        var now = clock.GetUtcNow();
        // The durable records follow the replicas the batch began with, if any.
        var durable = batch.Records.Skip(report.GatedRecords).Take(report.Replicated).ToArray();
        var metrics = new List<Metric>
        {
            new(MetricNames.RecordsReplicated, Metric.Count, report.Replicated),
            new(MetricNames.BytesReplicated, Metric.Bytes, report.BytesReplicated),
            new(MetricNames.PutRecordsRetries, Metric.Count, report.RetriedRecords),
            new(MetricNames.ThrottledRecords, Metric.Count, report.ThrottledRecords),
            new(MetricNames.GatedRecords, Metric.Count, report.GatedRecords),
            new(MetricNames.RecordsWithoutCommitTimestamp, Metric.Count, report.RecordsWithoutCommitTimestamp),
            new(MetricNames.BatchFailures, Metric.Count, report.FirstFailedSequenceNumber is null ? 0 : 1),
        };
        if (report.CheckpointedCommit is { } checkpointed)
        {
            metrics.Add(new Metric(MetricNames.CheckpointLagSeconds, Metric.Seconds, Math.Max(0, (now - checkpointed).TotalSeconds)));
        }

        emf.Write(Dimensions(batch.StreamName), metrics, requestId);
        if (durable.Length == 0)
        {
            return;
        }

        // Parse only a sample: latency is a distribution, and parsing every payload would cost the hot path.
        var sample = Sample(durable);
        var fromCommit = sample.Select(r => CommitTimestamps.TryRead(r.Data)).OfType<DateTimeOffset>().Select(t => Milliseconds(now - t)).ToArray();
        var fromArrival = sample.Select(r => Milliseconds(now - r.ArrivalTime)).ToArray();
        emf.Write([.. Dimensions(batch.StreamName), (MetricDimensions.LatencyBasis, MetricDimensions.FromCommitTimestamp)], [new Metric(MetricNames.ReplicationLatencyMs, Metric.Milliseconds, fromCommit)], requestId);
        emf.Write([.. Dimensions(batch.StreamName), (MetricDimensions.LatencyBasis, MetricDimensions.FromArrivalTime)], [new Metric(MetricNames.ReplicationLatencyMs, Metric.Milliseconds, fromArrival)], requestId);
    }

    /// <summary>The invocation failed as a whole (it throws, and the batch is retried).</summary>
    public void BatchFailed(string streamName, string requestId) =>
        emf.Write(Dimensions(streamName), [new Metric(MetricNames.BatchFailures, Metric.Count, 1)], requestId);

    private (string, string)[] Dimensions(string streamName) => [(MetricDimensions.StreamName, streamName), (MetricDimensions.TargetRegion, targetRegion)];

    private static SourceRecord[] Sample(SourceRecord[] records)
    {
        var step = Math.Max(1, (int)Math.Ceiling(records.Length / (double)EmbeddedMetrics.MaxValuesPerMetric));
        return records.Where((_, i) => i % step == 0).ToArray();
    }

    private static double Milliseconds(TimeSpan elapsed) => Math.Max(0, Math.Round(elapsed.TotalMilliseconds));
}
