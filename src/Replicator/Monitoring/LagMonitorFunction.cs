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
/// (an adopted stream, whose MaxRecordSizeInKiB no template parameter bounds).
/// </summary>
/// <param name="maxRecordKiBOf">A stream's MaxRecordSizeInKiB as DescribeStreamSummary reports it (null: 1024).</param>
public sealed class LagMonitorFunction(
    LagMonitorSettings settings,
    ActiveRegionGate gate,
    LagMeter meter,
    CheckpointStore checkpoints,
    Func<string, CancellationToken, Task<int?>> maxRecordKiBOf,
    EmbeddedMetrics metrics)
{
    public static LagMonitorFunction Create(IReadOnlyDictionary<string, string> environment, TextWriter? metricsOutput = null)
    {
        var settings = LagMonitorSettings.From(environment);
        var credentials = AwsEnvironment.Credentials(environment);
        var time = TimeProvider.System;
        var dynamoDb = DynamoDbClients.Create(settings.Region, credentials, settings.DynamoDbEndpoint);
        var kinesis = new KinesisClient(new AwsServiceOptions(settings.Region, credentials, AwsEnvironment.HttpClient) { EndpointOverride = settings.KinesisEndpoint });
        var checkpoints = new CheckpointStore(dynamoDb, settings.CheckpointTable, time);
        return new LagMonitorFunction(
            settings,
            new ActiveRegionGate(dynamoDb, settings.ConfigTable, settings.Region, TimeSpan.Zero, time),
            new LagMeter(kinesis, settings.Region, checkpoints, time, LagMeter.OnePage),
            checkpoints,
            async (stream, ct) => (await kinesis.DescribeStreamSummaryAsync(stream, ct).ConfigureAwait(false)).MaxRecordSizeInKiB,
            new EmbeddedMetrics(metricsOutput ?? Console.Out, time));
    }

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        var report = await MeasureAsync(context.AwsRequestId, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToUtf8Bytes(report, MonitoringJsonContext.Default.LagReport);
    }

    public async Task<LagReport> MeasureAsync(string requestId, CancellationToken cancellationToken)
    {
        var measured = new List<LagReportEntry>();
        var notActiveHere = new List<string>();
        var unmeasured = new List<LagGap>();
        var raised = new List<string>();
        var tooLarge = new List<RecordSizeBeyondDelivery>();
        foreach (var stream in settings.Streams)
        {
            if (await RecordSizeBeyondDeliveryAsync(stream, requestId, cancellationToken).ConfigureAwait(false) is { } finding)
            {
                tooLarge.Add(finding);
            }

            string activeRegion;
            try
            {
                var decision = await gate.CheckAsync(stream, cancellationToken).ConfigureAwait(false);
                if (!decision.MayReplicate)
                {
                    notActiveHere.Add(stream);
                    foreach (var target in settings.TargetRegions)
                    {
                        Emit(stream, target, secondsBehind: 0, recordsBehind: 0, requestId);
                    }

                    continue;
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
                    unmeasured.Add(new LagGap(stream, target, e.Message));
                    metrics.Write([(MetricDimensions.StreamName, stream), (MetricDimensions.TargetRegion, target)], [new Metric(MetricNames.LagUnmeasured, Metric.Count, 1)], requestId);
                    watermarks.Add(null);
                    continue;
                }

                Emit(stream, target, lag.SecondsBehind, lag.RecordsBehind, requestId);
                measured.Add(new LagReportEntry(stream, target, lag.SecondsBehind, lag.RecordsBehind, lag.AtLeast, lag.Watermark));
                watermarks.Add(lag.Watermark);
            }

            // Every target must have a watermark: the stream's promises what all of them hold.
            if (watermarks.Count > 0 && watermarks.All(w => w is not null)
                && await checkpoints.RaiseWatermarkAsync(stream, watermarks.Min()!.Value, cancellationToken).ConfigureAwait(false))
            {
                raised.Add(stream);
            }
        }

        return new LagReport(measured, notActiveHere, unmeasured, raised, tooLarge);
    }

    private async Task<RecordSizeBeyondDelivery?> RecordSizeBeyondDeliveryAsync(string stream, string requestId, CancellationToken cancellationToken)
    {
        var maxKiB = await maxRecordKiBOf(stream, cancellationToken).ConfigureAwait(false) ?? 1024;
        var beyond = maxKiB > InvocationPayload.MaxDeliverableKinesisRecordKiB;
        metrics.Write([(MetricDimensions.StreamName, stream)], [new Metric(MetricNames.RecordSizeBeyondDelivery, Metric.Count, beyond ? 1 : 0)], requestId);
        return beyond ? new RecordSizeBeyondDelivery(stream, maxKiB, InvocationPayload.MaxDeliverableKinesisRecordKiB) : null;
    }

    private void Emit(string stream, string target, double secondsBehind, long recordsBehind, string requestId) =>
        metrics.Write(
            [(MetricDimensions.StreamName, stream), (MetricDimensions.TargetRegion, target)],
            [new Metric(MetricNames.CheckpointLagSeconds, Metric.Seconds, secondsBehind), new Metric(MetricNames.RecordsBehind, Metric.Count, recordsBehind)],
            requestId);
}
