using static Replicator.Lambda.EnvironmentSettings;

namespace Replicator.Failover;

/// <summary>What the drain and verify functions need, read once at init.</summary>
public sealed record FailoverSettings(string Region, string CheckpointTable, IReadOnlyDictionary<string, Uri> KinesisEndpoints, Uri? DynamoDbEndpoint)
{
    public static FailoverSettings From(IReadOnlyDictionary<string, string> environment) => new(
        Required(environment, FailoverEnvironment.Region),
        Required(environment, FailoverEnvironment.CheckpointTable),
        EndpointMap(environment, FailoverEnvironment.KinesisEndpoints),
        OptionalUri(environment, FailoverEnvironment.DynamoDbEndpoint));
}
