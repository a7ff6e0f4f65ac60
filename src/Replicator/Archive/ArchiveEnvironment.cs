namespace Replicator.Archive;

/// <summary>The archive functions' environment variable names.</summary>
public static class ArchiveEnvironment
{
    /// <summary>A top-level field of the CDC payload naming its tenant; set, the archive is prefixed by tenant too (seed 000).</summary>
    public const string TenantField = "ARCHIVE_TENANT_FIELD";
}
