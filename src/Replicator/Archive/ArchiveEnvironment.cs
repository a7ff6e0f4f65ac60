namespace Replicator.Archive;

/// <summary>The archive functions' environment variable names.</summary>
public static class ArchiveEnvironment
{
    /// <summary>A top-level field of the CDC payload naming its tenant; set, the archive is prefixed by tenant too (seed 000).</summary>
    public const string TenantField = "ARCHIVE_TENANT_FIELD";

    /// <summary>
    /// The tenants deployed (template Tenants), comma-separated: a record of another tenant is archived
    /// under <c>_unlisted</c>, so the prefixes stay as many as the deploy counted. Empty: every tenant value gets its own prefix.
    /// </summary>
    public const string Tenants = "ARCHIVE_TENANTS";

    /// <summary>Buckets per hour and tenant (16, 8, 4, 2 or 1): fewer where many tenants must fit Firehose's active-partition quota. Default 16.</summary>
    public const string Buckets = "ARCHIVE_BUCKETS";

    /// <summary>The stream's region (set by Lambda): the transformation lists its shards there.</summary>
    public const string Region = "AWS_REGION";

    /// <summary>Endpoint override, for the local cloud only.</summary>
    public const string KinesisEndpoint = Relay.RelayEnvironment.SourceKinesisEndpoint;
}
