using Replicator.Aws.LakeFormation;
using Replicator.LocalCloud.StandIns;

namespace Replicator.LocalCloud.Catalog;

/// <summary>
/// What template.yaml grants the catalog sync's role in Lake Formation on each database it syncs, with
/// <c>CatalogLakeFormationGrants=true</c>: in the source region (CatalogSyncSource*Grant) and in the replica
/// (CatalogSyncLakeFormation*Grant). CatalogSyncGrantTemplateTests holds the template to these; the drill
/// and the tests give them to the local stand-ins, as the two stacks would.
/// </summary>
public static class SyncRoleGrants
{
    public static readonly (string[] Permissions, string[] Grantable) SourceDatabase = (["DESCRIBE"], []);

    public static readonly (string[] Permissions, string[] Grantable) SourceTables = (["DESCRIBE", "SELECT"], ["SELECT"]);

    public static readonly (string[] Permissions, string[] Grantable) ReplicaDatabase = (["ALTER", "CREATE_TABLE", "DESCRIBE"], ["DESCRIBE"]);

    public static readonly (string[] Permissions, string[] Grantable) ReplicaTables = (["ALTER", "DELETE", "DESCRIBE", "DROP", "INSERT", "SELECT"], ["DESCRIBE", "SELECT"]);

    /// <summary>Grants <paramref name="role"/> on <paramref name="database"/> and its tables as the two regions' stacks do.</summary>
    public static void Apply(LakeFormationStandIn source, LakeFormationStandIn replica, string role, string database)
    {
        source.Grant(role, LakeFormationResources.Database(database), SourceDatabase.Permissions, SourceDatabase.Grantable);
        source.Grant(role, LakeFormationResources.AllTables(database), SourceTables.Permissions, SourceTables.Grantable);
        replica.Grant(role, LakeFormationResources.Database(database), ReplicaDatabase.Permissions, ReplicaDatabase.Grantable);
        replica.Grant(role, LakeFormationResources.AllTables(database), ReplicaTables.Permissions, ReplicaTables.Grantable);
    }
}
