using Replicator.LocalCloud.Emulators;
using Replicator.Aws;
using Replicator.Relay;

namespace Replicator.LocalCloud.Demo;

/// <summary>The environment a relay function would get from template.yaml, pointed at the local cloud.</summary>
public static class LocalRelayEnvironment
{
    public static Dictionary<string, string> For(TwoRegionCloud cloud, string sourceRegion, string targetRegion)
    {
        var credentials = cloud.Credentials.GetCredentials();
        return new Dictionary<string, string>
        {
            [RelayEnvironment.SourceRegion] = sourceRegion,
            [RelayEnvironment.TargetRegion] = targetRegion,
            [RelayEnvironment.ConfigTable] = ReplicatorTables.Config,
            [RelayEnvironment.CheckpointTable] = ReplicatorTables.Checkpoint,
            [RelayEnvironment.GateCacheTtlSeconds] = "1",
            [RelayEnvironment.TargetKinesisEndpoint] = cloud.Region(targetRegion).KinesisEndpoint.ToString(),
            [RelayEnvironment.DynamoDbEndpoint] = cloud.Region(sourceRegion).DynamoDbEndpoint.ToString(),
            [AwsEnvironment.AccessKeyId] = credentials.AccessKey,
            [AwsEnvironment.SecretAccessKey] = credentials.SecretKey,
        };
    }
}
