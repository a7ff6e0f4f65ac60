namespace Replicator.Catalog.Grants;

/// <summary>
/// Whose Lake Formation grants the catalog sync copies. IAM principals are global, so a grant to a role
/// or user means the same principal in both regions and is copied as it is. The exception is the roles
/// each region's stack makes for itself, named for their region (<c>kinesis-replicator-tenant-a-us-east-1</c>,
/// <c>kinesis-replicator-catalog-sync-us-east-2</c>): their grants are deployed by that region's stack,
/// so the sync neither copies them nor revokes them; nor does it touch the grants of the role it runs as
/// (<paramref name="SyncRoleArn"/>: its grant options in the replica are what let it grant at all).
/// </summary>
public sealed record GrantScope(string SourceRegion, string ReplicaRegion, string SyncRoleArn)
{
    /// <summary>What every role name the template gives starts with.</summary>
    public const string StackRolePrefix = "kinesis-replicator-";

    /// <summary>The permissions copied: reading a table's metadata and data. Granting them in the replica needs the sync to hold them with grant option there; nothing more.</summary>
    public static readonly IReadOnlySet<string> Permissions = new SortedSet<string>(["DESCRIBE", "SELECT"], StringComparer.Ordinal);

    /// <summary>Those of <see cref="Permissions"/> that apply to a database (SELECT applies to tables only).</summary>
    public static readonly IReadOnlySet<string> DatabasePermissions = new SortedSet<string>(["DESCRIBE"], StringComparer.Ordinal);

    public bool Copies(string principal) =>
        principal != SyncRoleArn && !IsStackRole(principal, SourceRegion) && !IsStackRole(principal, ReplicaRegion);

    /// <summary>Whether <paramref name="principal"/> is a role of this project named for <paramref name="region"/>.</summary>
    public static bool IsStackRole(string principal, string region)
    {
        var parts = principal.Split(':', 6);
        if (parts is not [_, _, "iam", _, _, var resource] || !resource.StartsWith("role/", StringComparison.Ordinal))
        {
            return false;
        }

        var name = resource[(resource.LastIndexOf('/') + 1)..];
        return name.StartsWith(StackRolePrefix, StringComparison.Ordinal) && name.EndsWith("-" + region, StringComparison.Ordinal);
    }
}
