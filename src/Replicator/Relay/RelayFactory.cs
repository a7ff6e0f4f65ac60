using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;
using Replicator.Telemetry;

namespace Replicator.Relay;

/// <summary>The relay's one-time init: settings checked, clients built. No network calls, so a cold start stays short.</summary>
public static class RelayFactory
{
    /// <param name="decorateTarget">Wraps the target stream, e.g. in the local cloud's fault injection; null in production.</param>
    /// <param name="metricsOutput">Where EMF lines go: the function's standard output (CloudWatch Logs) unless a test says otherwise.</param>
    public static RelayFunction Create(
        IReadOnlyDictionary<string, string> environment,
        Func<IPutRecordsTarget, IPutRecordsTarget>? decorateTarget = null,
        TextWriter? metricsOutput = null)
    {
        var settings = RelaySettings.From(environment);
        var credentials = AwsEnvironment.Credentials(environment);
        var time = TimeProvider.System;

        var dynamoDb = DynamoDbClients.Create(settings.SourceRegion, credentials, settings.DynamoDbEndpoint);
        var targetCredentials = settings.TargetRoleArn is { } roleArn
            ? new AssumedRoleCredentials(credentials, roleArn, $"kinesis-relay-{settings.SourceRegion}-to-{settings.TargetRegion}", settings.SourceRegion, settings.StsEndpoint)
            : credentials;
        IPutRecordsTarget target = new KinesisPutRecordsTarget(new KinesisClient(
            new AwsServiceOptions(settings.TargetRegion, targetCredentials, AwsEnvironment.HttpClient) { EndpointOverride = settings.TargetKinesisEndpoint }));
        target = decorateTarget?.Invoke(target) ?? target;
        var checkpoints = new CheckpointStore(dynamoDb, settings.CheckpointTable, time);
        var source = new KinesisClient(new AwsServiceOptions(settings.SourceRegion, credentials, AwsEnvironment.HttpClient) { EndpointOverride = settings.SourceKinesisEndpoint });

        return new RelayFunction(
            settings,
            new ActiveRegionGate(dynamoDb, settings.ConfigTable, settings.SourceRegion, settings.GateCacheTtl, time),
            new RecordDelivery(target, PutRecordsLimits.Kinesis, time, settings.Ordering),
            checkpoints,
            new PositionSamples(dynamoDb, settings.PositionsTable, settings.PositionSampleRetention),
            ShardLineage.Over(source, checkpoints, settings.SourceRegion, settings.TargetRegion),
            new RelayMetrics(new EmbeddedMetrics(metricsOutput ?? Console.Out, time), settings.TargetRegion, time),
            time);
    }
}
