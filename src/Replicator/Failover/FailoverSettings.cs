using Amazon.Runtime;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.Kinesis;
using static Replicator.Lambda.EnvironmentSettings;

namespace Replicator.Failover;

/// <summary>What the drain and verify functions need, read once at init.</summary>
/// <param name="TargetRegions">This stack's replication targets; empty where the stack does not say (then only the failover's target is drained).</param>
public sealed record FailoverSettings(string Region, string CheckpointTable, RegionalEndpoints KinesisEndpoints, Uri? DynamoDbEndpoint, IReadOnlyList<string> TargetRegions)
{
    public static FailoverSettings From(IReadOnlyDictionary<string, string> environment) => new(
        Required(environment, FailoverEnvironment.Region),
        Required(environment, FailoverEnvironment.CheckpointTable),
        ServiceEndpoints.ResolvePerRegion(environment, AwsServiceId.Kinesis, FailoverEnvironment.KinesisEndpoints),
        ServiceEndpoints.Resolve(environment, AwsServiceId.DynamoDb, FailoverEnvironment.DynamoDbEndpoint),
        environment.ContainsKey(FailoverEnvironment.TargetRegions) ? RequiredList(environment, FailoverEnvironment.TargetRegions) : []);

    /// <summary>
    /// A Kinesis client per region, made once each. No retries inside a call: the drain polls again, and a
    /// forced failover must learn at once that its source does not answer.
    /// </summary>
    public Func<string, KinesisClient> KinesisClients(AWSCredentials credentials) => KinesisClient.PerRegion(KinesisEndpoints, credentials);

    /// <summary>Every region a failover's source feeds, the failover's target first (issue 15: a third region must be drained too).</summary>
    public IReadOnlyList<string> FedBy(string source, string target) =>
        [target, .. TargetRegions.Append(Region).Where(r => r != source && r != target).Distinct(StringComparer.Ordinal)];
}
