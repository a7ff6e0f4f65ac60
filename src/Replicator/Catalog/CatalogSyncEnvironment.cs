namespace Replicator.Catalog;

/// <summary>The catalog sync function's environment variable names.</summary>
public static class CatalogSyncEnvironment
{
    /// <summary>This region: the replica's catalog.</summary>
    public const string Region = "AWS_REGION";

    public const string SourceRegion = "CATALOG_SOURCE_REGION";

    /// <summary><c>s3://source-prefix/=s3://replica-prefix/,…</c>; locations no prefix matches are kept.</summary>
    public const string PrefixMap = "CATALOG_PREFIX_MAP";

    /// <summary>Comma-separated databases to sync; empty or unset for all.</summary>
    public const string Databases = "CATALOG_DATABASES";

    /// <summary><c>true</c> to delete replica tables and partitions the source no longer has.</summary>
    public const string PropagateDeletes = "CATALOG_PROPAGATE_DELETES";

    /// <summary>Stop and hand back a continuation after this many pages of partitions (for tests); unset: only the time left decides.</summary>
    public const string MaxPagesPerInvocation = "REPLICATOR_CATALOG_MAX_PAGES_PER_INVOCATION";

    /// <summary><c>true</c> to copy Lake Formation grants (<see cref="Grants.GrantScope.Permissions"/>) on the synced databases and tables.</summary>
    public const string LakeFormationGrants = "CATALOG_LAKE_FORMATION_GRANTS";

    /// <summary>The sync function's own role: whose permissions it checks before trusting a listing of grants.</summary>
    public const string SyncRoleArn = "CATALOG_SYNC_ROLE_ARN";

    /// <summary>For the local cloud only: <c>region=url,…</c>, the Lake Formation endpoint of each region.</summary>
    public const string LakeFormationEndpoints = "REPLICATOR_LAKEFORMATION_ENDPOINTS";

    /// <summary>For the local cloud only: <c>region=url,…</c>, the Glue endpoint of each region.</summary>
    public const string GlueEndpoints = "REPLICATOR_GLUE_ENDPOINTS";
}
