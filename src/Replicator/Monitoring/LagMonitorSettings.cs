using Replicator.Aws;
using static Replicator.Lambda.EnvironmentSettings;

namespace Replicator.Monitoring;

/// <summary>Which streams to watch towards which targets, read once at init.</summary>
public sealed record LagMonitorSettings(
    string Region,
    IReadOnlyList<string> Streams,
    IReadOnlyList<string> TargetRegions,
    string ConfigTable,
    string CheckpointTable,
    Uri? KinesisEndpoint,
    RegionalEndpoints TargetKinesisEndpoints,
    Uri? DynamoDbEndpoint)
{
    public static LagMonitorSettings From(IReadOnlyDictionary<string, string> environment) => new(
        Required(environment, LagMonitorEnvironment.Region),
        RequiredList(environment, LagMonitorEnvironment.Streams),
        RequiredList(environment, LagMonitorEnvironment.TargetRegions),
        Required(environment, LagMonitorEnvironment.ConfigTable),
        Required(environment, LagMonitorEnvironment.CheckpointTable),
        ServiceEndpoints.Resolve(environment, AwsServiceId.Kinesis, LagMonitorEnvironment.KinesisEndpoint),
        ServiceEndpoints.ResolvePerRegion(environment, AwsServiceId.Kinesis, LagMonitorEnvironment.TargetKinesisEndpoints),
        ServiceEndpoints.Resolve(environment, AwsServiceId.DynamoDb, LagMonitorEnvironment.DynamoDbEndpoint));
}
