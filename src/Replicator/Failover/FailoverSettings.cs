using Replicator.Aws;
using static Replicator.Lambda.EnvironmentSettings;

namespace Replicator.Failover;

/// <summary>What the drain and verify functions need, read once at init.</summary>
public sealed record FailoverSettings(string Region, string CheckpointTable, RegionalEndpoints KinesisEndpoints, Uri? DynamoDbEndpoint)
{
    public static FailoverSettings From(IReadOnlyDictionary<string, string> environment) => new(
        Required(environment, FailoverEnvironment.Region),
        Required(environment, FailoverEnvironment.CheckpointTable),
        ServiceEndpoints.ResolvePerRegion(environment, AwsServiceId.Kinesis, FailoverEnvironment.KinesisEndpoints),
        ServiceEndpoints.Resolve(environment, AwsServiceId.DynamoDb, FailoverEnvironment.DynamoDbEndpoint));
}
