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
/// </summary>
public sealed class LagMonitorFunction(LagMonitorSettings settings, ActiveRegionGate gate, LagMeter meter, EmbeddedMetrics metrics)
{
    public static LagMonitorFunction Create(IReadOnlyDictionary<string, string> environment, TextWriter? metricsOutput = null)
    {
        var settings = LagMonitorSettings.From(environment);
        var credentials = AwsEnvironment.Credentials(environment);
        var time = TimeProvider.System;
        var dynamoDb = DynamoDbClients.Create(settings.Region, credentials, settings.DynamoDbEndpoint);
        var kinesis = new KinesisClient(new AwsServiceOptions(settings.Region, credentials, AwsEnvironment.HttpClient) { EndpointOverride = settings.KinesisEndpoint });
        return new LagMonitorFunction(
            settings,
            new ActiveRegionGate(dynamoDb, settings.ConfigTable, settings.Region, TimeSpan.Zero, time),
            new LagMeter(kinesis, settings.Region, new CheckpointStore(dynamoDb, settings.CheckpointTable, time), time),
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
        foreach (var stream in settings.Streams)
        {
            string activeRegion;
            try
            {
                var decision = await gate.CheckAsync(stream, cancellationToken).ConfigureAwait(false);
                if (!decision.MayReplicate)
                {
                    notActiveHere.Add(stream);
                    continue;
                }

                activeRegion = decision.ActiveRegion;
            }
            catch (ActiveRegionConfigMissingException)
            {
                activeRegion = "(no config)";
            }

            foreach (var target in settings.TargetRegions)
            {
                var lag = await meter.MeasureAsync(stream, target, activeRegion, cancellationToken).ConfigureAwait(false);
                metrics.Write(
                    [(MetricDimensions.StreamName, stream), (MetricDimensions.TargetRegion, target)],
                    [new Metric(MetricNames.CheckpointLagSeconds, Metric.Seconds, lag.SecondsBehind), new Metric(MetricNames.RecordsBehind, Metric.Count, lag.RecordsBehind)],
                    requestId);
                measured.Add(new LagReportEntry(stream, target, lag.SecondsBehind, lag.RecordsBehind, lag.AtLeast));
            }
        }

        return new LagReport(measured, notActiveHere);
    }
}
