namespace Replicator.Archive;

/// <summary>The archive functions' environment variable names.</summary>
public static class ArchiveEnvironment
{
    /// <summary>A top-level field of the CDC payload naming its tenant; set, the archive is prefixed by tenant too (seed 000).</summary>
    public const string TenantField = "ARCHIVE_TENANT_FIELD";

    /// <summary>The stream's region (set by Lambda): the transformation lists its shards there.</summary>
    public const string Region = "AWS_REGION";

    /// <summary>Endpoint override, for the local cloud only.</summary>
    public const string KinesisEndpoint = Relay.RelayEnvironment.SourceKinesisEndpoint;
}
