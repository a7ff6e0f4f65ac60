using System.Text.Json;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;
using Replicator.Relay;
using Replicator.Telemetry;

namespace Replicator.Monitoring;

/// <summary>
/// The scheduled lag monitor: for every configured stream active in this region and every target,
/// measures lag from the shard tails and emits CheckpointLagSeconds and RecordsBehind, idle or not.
/// A stream whose config item is missing is measured too: its relay is failing, and the lag shows it.
/// A stream active elsewhere owes its targets nothing from here (its relays gate every record), so it
/// reports 0 for each target: a healthy standby stack keeps its lag series alive and its alarms quiet,
/// while a silent active region (no series at all) still alarms, its alarms treating missing data as breaching.
/// It also keeps each active stream's <c>lastReplicatedCommitTimestamp</c>: the lowest of its targets'
/// watermarks, from the same reads, raised once a minute here rather than by every relay batch.
/// And it flags a stream, active or not, that allows records larger than an invocation can carry
/// (an adopted stream, whose MaxRecordSizeInKiB no template parameter bounds), compares the stream's
/// configuration with each target's, and lets closed shards' checkpoint items expire once they are done.
/// </summary>
/// <param name="describe">A region's stream as DescribeStreamSummary describes it: this region's for the size flag and the retention, a target's for the drift.</param>
/// <param name="retirement">This region's closed shards' checkpoint expiry (<see cref="ClosedShardRetirement"/>).</param>
public sealed class LagMonitorFunction(
    LagMonitorSettings settings,
    ActiveRegionGate gate,
    LagMeter meter,
    CheckpointStore checkpoints,
    Func<string, string, CancellationToken, Task<StreamDescriptionSummary>> describe,
    ClosedShardRetirement retirement,
    EmbeddedMetrics metrics)
{
    public static LagMonitorFunction Create(IReadOnlyDictionary<string, string> environment, TextWriter? metricsOutput = null)
    {
        var settings = LagMonitorSettings.From(environment);
        var credentials = AwsEnvironment.Credentials(environment);
        var time = TimeProvider.System;
        var dynamoDb = DynamoDbClients.Create(settings.Region, credentials, settings.DynamoDbEndpoint);
        var kinesis = new KinesisClient(new AwsServiceOptions(settings.Region, credentials, AwsEnvironment.HttpClient) { EndpointOverride = settings.KinesisEndpoint });
        var targets = KinesisClient.PerRegion(settings.TargetKinesisEndpoints, credentials);
        var checkpoints = new CheckpointStore(dynamoDb, settings.CheckpointTable, time);
        return new LagMonitorFunction(
            settings,
            new ActiveRegionGate(dynamoDb, settings.ConfigTable, settings.Region, TimeSpan.Zero, time),
            new LagMeter(kinesis, settings.Region, checkpoints, time, LagMeter.OnePage),
            checkpoints,
            (region, stream, ct) => (region == settings.Region ? kinesis : targets(region)).DescribeStreamSummaryAsync(stream, ct),
            new ClosedShardRetirement(kinesis, checkpoints, settings.Region, time),
            new EmbeddedMetrics(metricsOutput ?? Console.Out, time));
    }

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        var report = await MeasureAsync(context.AwsRequestId, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToUtf8Bytes(report, MonitoringJsonContext.Default.LagReport);
    }

    public async Task<LagReport> MeasureAsync(string requestId, CancellationToken cancellationToken)
    {
        var report = new LagReport();
        foreach (var stream in settings.Streams)
        {
            var summary = await describe(settings.Region, stream, cancellationToken).ConfigureAwait(false);
            FlagRecordSizeBeyondDelivery(stream, summary, report, requestId);
            await MeasureLagAsync(stream, report, requestId, cancellationToken).ConfigureAwait(false);
            foreach (var target in settings.TargetRegions)
            {
                await CompareWithTargetAsync(stream, summary, target, report, requestId, cancellationToken).ConfigureAwait(false);
            }

            report.CheckpointsExpiring.AddRange(await retirement.RetireAsync(stream, settings.TargetRegions, summary.RetentionPeriodHours, cancellationToken).ConfigureAwait(false));
        }

        return report;
    }

    private async Task MeasureLagAsync(string stream, LagReport report, string requestId, CancellationToken cancellationToken)
    {
        string activeRegion;
        try
        {
            var decision = await gate.CheckAsync(stream, cancellationToken).ConfigureAwait(false);
            if (!decision.MayReplicate)
            {
                report.NotActiveHere.Add(stream);
                foreach (var target in settings.TargetRegions)
                {
                    Emit(stream, target, secondsBehind: 0, recordsBehind: 0, requestId);
                }

                return;
            }

            activeRegion = decision.ActiveRegion;
        }
        catch (ActiveRegionConfigMissingException)
        {
            activeRegion = "(no config)";
        }

        var watermarks = new List<DateTimeOffset?>();
        foreach (var target in settings.TargetRegions)
        {
            StreamLag lag;
            try
            {
                lag = await meter.MeasureAsync(stream, target, activeRegion, cancellationToken).ConfigureAwait(false);
            }
            catch (ProvisionedThroughputExceededException e)
            {
                // The relay needs the shard's reads more than the monitor does: no lag this minute, and say so.
                // Missing lag only alarms after three minutes of it (the checkpoint-lag alarms treat it as breaching).
                report.Unmeasured.Add(new LagGap(stream, target, e.Message));
                metrics.Write([(MetricDimensions.StreamName, stream), (MetricDimensions.TargetRegion, target)], [new Metric(MetricNames.LagUnmeasured, Metric.Count, 1)], requestId);
                watermarks.Add(null);
                continue;
            }

            Emit(stream, target, lag.SecondsBehind, lag.RecordsBehind, requestId);
            report.Measured.Add(new LagReportEntry(stream, target, lag.SecondsBehind, lag.RecordsBehind, lag.AtLeast, lag.Watermark));
            watermarks.Add(lag.Watermark);
        }

        // Every target must have a watermark: the stream's promises what all of them hold.
        if (watermarks.Count > 0 && watermarks.All(w => w is not null)
            && await checkpoints.RaiseWatermarkAsync(stream, watermarks.Min()!.Value, cancellationToken).ConfigureAwait(false))
        {
            report.WatermarksRaised.Add(stream);
        }
    }

    private void FlagRecordSizeBeyondDelivery(string stream, StreamDescriptionSummary summary, LagReport report, string requestId)
    {
        var maxKiB = summary.MaxRecordSizeInKiB ?? StreamParity.DefaultMaxRecordSizeInKiB;
        var beyond = maxKiB > InvocationPayload.MaxDeliverableKinesisRecordKiB;
        metrics.Write([(MetricDimensions.StreamName, stream)], [new Metric(MetricNames.RecordSizeBeyondDelivery, Metric.Count, beyond ? 1 : 0)], requestId);
        if (beyond)
        {
            report.RecordSizeBeyondDelivery.Add(new RecordSizeBeyondDelivery(stream, maxKiB, InvocationPayload.MaxDeliverableKinesisRecordKiB));
        }
    }

    /// <summary>
    /// The drift the failover's verify step would find (<see cref="StreamParity"/>), found before a failover
    /// needs it: StreamConfigurationDrift counts the differences that lose or reject data. A target that
    /// does not answer is a gap, not a failure: the region may be the one that is down.
    /// </summary>
    private async Task CompareWithTargetAsync(
        string stream, StreamDescriptionSummary summary, string target, LagReport report, string requestId, CancellationToken cancellationToken)
    {
        var check = await StreamParity.CheckAsync(summary, settings.Region, ct => describe(target, stream, ct), target, cancellationToken).ConfigureAwait(false);
        if (check.Unanswered is { } reason)
        {
            report.DriftUnmeasured.Add(new LagGap(stream, target, reason));
            return;
        }

        var differences = check.Differences;
        metrics.Write(
            [(MetricDimensions.StreamName, stream), (MetricDimensions.TargetRegion, target)],
            [new Metric(MetricNames.StreamConfigurationDrift, Metric.Count, differences.Count(d => d.LosesData))],
            requestId);
        if (differences.Count > 0)
        {
            report.ConfigurationDrift.Add(new ConfigurationDrift(stream, target, differences));
        }
    }

    private void Emit(string stream, string target, double secondsBehind, long recordsBehind, string requestId) =>
        metrics.Write(
            [(MetricDimensions.StreamName, stream), (MetricDimensions.TargetRegion, target)],
            [new Metric(MetricNames.CheckpointLagSeconds, Metric.Seconds, secondsBehind), new Metric(MetricNames.RecordsBehind, Metric.Count, recordsBehind)],
            requestId);
}
