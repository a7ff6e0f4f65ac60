using Replicator.Archive;
using Replicator.Aws;
using Replicator.LocalCloud.Emulators;
using Replicator.Catalog;
using Replicator.Failover;
using Replicator.Monitoring;
using Replicator.Relay;
using Replicator.Replay;

namespace Replicator.LocalCloud.Demo;

/// <summary>The environment a function would get from template.yaml, pointed at the local cloud.</summary>
public static class LocalFunctionEnvironment
{
    /// <summary>The relays' gate cache TTL locally: short, so failovers need only a short fence.</summary>
    public static readonly TimeSpan GateCacheTtl = TimeSpan.FromSeconds(1);

    public static Dictionary<string, string> Relay(TwoRegionCloud cloud, string sourceRegion, string targetRegion)
    {
        var environment = Common(cloud, sourceRegion);
        environment[RelayEnvironment.TargetRegion] = targetRegion;
        environment[RelayEnvironment.PositionsTable] = ReplicatorTables.Positions;
        environment[RelayEnvironment.GateCacheTtlSeconds] = GateCacheTtl.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment[RelayEnvironment.TargetKinesisEndpoint] = cloud.Region(targetRegion).KinesisEndpoint.ToString();
        return environment;
    }

    public static Dictionary<string, string> LagMonitor(TwoRegionCloud cloud, string region, IEnumerable<string> streams, IEnumerable<string> targetRegions)
    {
        var environment = Common(cloud, region);
        environment[LagMonitorEnvironment.Streams] = string.Join(',', streams);
        environment[LagMonitorEnvironment.TargetRegions] = string.Join(',', targetRegions);
        environment[LagMonitorEnvironment.TargetKinesisEndpoints] = KinesisEndpoints(cloud);
        return environment;
    }

    /// <summary>The claim, drain, verify, report and recovery functions of the failover state machine running in <paramref name="region"/>.</summary>
    public static Dictionary<string, string> Failover(TwoRegionCloud cloud, string region)
    {
        var environment = Common(cloud, region);
        environment[FailoverEnvironment.KinesisEndpoints] = KinesisEndpoints(cloud);
        environment[ClaimEnvironment.DynamoDbEndpoints] = string.Join(',', cloud.Regions.Select(r => $"{r}={cloud.Region(r).DynamoDbEndpoint}"));
        environment[FailoverEnvironment.TargetRegions] = string.Join(',', cloud.Regions.Where(r => r != region));
        environment[RelayEnvironment.PositionsTable] = ReplicatorTables.Positions;
        return environment;
    }

    /// <summary>The archive's Firehose transformation in <paramref name="region"/>, listing the stream's shards there.</summary>
    /// <param name="tenantField">The payload field the archive's prefixes are split by, as ArchiveTenantField sets it; null for none.</param>
    /// <param name="tenants">The tenants listed at deploy (template Tenants), with the bucket count the template chooses for them; null for none.</param>
    public static Dictionary<string, string> ArchiveTransform(TwoRegionCloud cloud, string region, string? tenantField = null, IReadOnlyList<string>? tenants = null)
    {
        var environment = Common(cloud, region);
        if (tenantField is not null)
        {
            environment[ArchiveEnvironment.TenantField] = tenantField;
        }

        if (tenants is { Count: > 0 })
        {
            environment[ArchiveEnvironment.Tenants] = string.Join(',', tenants);
            environment[ArchiveEnvironment.Buckets] = (ArchiveBuckets.ForTenants(tenants.Count)
                ?? throw new ArgumentException($"{tenants.Count} tenants do not fit Firehose's {ArchiveBuckets.DefaultActivePartitionQuota} active partitions even in one bucket; the template refuses them too.", nameof(tenants)))
                .ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return environment;
    }

    /// <summary>The catalog sync function in the replica region, reading the source region's catalog.</summary>
    public static Dictionary<string, string> CatalogSync(TwoRegionCloud cloud, string sourceRegion, string replicaRegion)
    {
        var environment = Common(cloud, replicaRegion);
        environment[CatalogSyncEnvironment.SourceRegion] = sourceRegion;
        environment[CatalogSyncEnvironment.GlueEndpoints] = string.Join(',', cloud.Regions.Select(r => $"{r}={cloud.Region(r).GlueEndpoint}"));
        environment[CatalogSyncEnvironment.LakeFormationEndpoints] = string.Join(',', cloud.Regions.Select(r => $"{r}={cloud.LakeFormation(r).Endpoint}"));
        return environment;
    }

    /// <summary>The replay functions in <paramref name="region"/>, reading its archive bucket and replaying into any region.</summary>
    public static Dictionary<string, string> Replay(TwoRegionCloud cloud, string region, string archiveBucket)
    {
        var environment = Failover(cloud, region);
        environment[ReplayEnvironment.ArchiveBucket] = archiveBucket;
        environment[ReplayEnvironment.ProgressTable] = ReplicatorTables.ReplayProgress;
        environment[ReplayEnvironment.S3Endpoint] = cloud.Region(region).S3Endpoint.ToString();
        return environment;
    }

    /// <summary>Every region's Kinesis endpoint, <c>region=url,…</c>.</summary>
    private static string KinesisEndpoints(TwoRegionCloud cloud) => string.Join(',', cloud.Regions.Select(r => $"{r}={cloud.Region(r).KinesisEndpoint}"));

    private static Dictionary<string, string> Common(TwoRegionCloud cloud, string region)
    {
        var credentials = cloud.Credentials.GetCredentials();
        return new Dictionary<string, string>
        {
            [RelayEnvironment.SourceRegion] = region,
            [RelayEnvironment.ConfigTable] = ReplicatorTables.Config,
            [RelayEnvironment.CheckpointTable] = ReplicatorTables.Checkpoint,
            [RelayEnvironment.DynamoDbEndpoint] = cloud.Region(region).DynamoDbEndpoint.ToString(),
            [RelayEnvironment.SourceKinesisEndpoint] = cloud.Region(region).KinesisEndpoint.ToString(),
            [ServiceEndpoints.Global] = cloud.NoSuchRegionEndpoint.ToString(),
            [AwsEnvironment.AccessKeyId] = credentials.AccessKey,
            [AwsEnvironment.SecretAccessKey] = credentials.SecretKey,
        };
    }
}
