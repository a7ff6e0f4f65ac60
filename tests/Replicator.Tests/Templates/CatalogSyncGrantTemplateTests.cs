using Replicator.Catalog.Grants;
using Replicator.LocalCloud.Catalog;
using Replicator.LocalCloud.Iam;
using static Replicator.Tests.Templates.IamSimulator;

namespace Replicator.Tests.Templates;

/// <summary>
/// Issue 19: what the two regions' stacks grant the catalog sync so it can copy Lake Formation grants and
/// data cells filters, read from template.yaml as each region deploys it.
/// </summary>
public sealed class CatalogSyncGrantTemplateTests
{
    private const string Source = "us-east-1";
    private const string Replica = "us-east-2";

    /// <summary>
    /// Issue 19, grants copied: the source region's stack grants the replica's sync role, by the name the
    /// replica's stack gives it, DESCRIBE and SELECT on each database's tables (so Lake Formation lists it
    /// those grants); the replica's stack gives the sync those with grant option and tells the function its
    /// role. Every role the template names is one the sync leaves to its own stack.
    /// </summary>
    [Fact]
    public void With_grants_copied_the_source_stack_lets_the_replicas_sync_role_see_what_the_replica_stack_lets_it_grant()
    {
        static List<(string Principal, string Resource, string Permissions, string Grantable)> Grants(CloudFormationTemplate deployed, ConcreteTemplate stack, string prefix) =>
            deployed.ResourcesOfType("AWS::LakeFormation::PrincipalPermissions").Where(r => r.LogicalId.StartsWith(prefix, StringComparison.Ordinal)).Select(g => (
                stack.Resolve(g.Properties["Principal"]!["DataLakePrincipalIdentifier"])!.ToString(),
                g.Properties["Resource"]!["Database"]?["Name"]?.ToString() ?? g.Properties["Resource"]!["Table"]!["DatabaseName"] + ".*",
                string.Join(',', TemplateRules.Strings(stack.Resolve(g.Properties["Permissions"]))),
                string.Join(',', TemplateRules.Strings(stack.Resolve(g.Properties["PermissionsWithGrantOption"]))))).Order().ToList();

        var (primary, primaryStack) = Deploy(Source, Replica, "primary");
        var (replica, replicaStack) = Deploy(Replica, Source, "secondary");
        var syncRole = replicaStack.RoleArn("CatalogSyncFunctionRole");

        Assert.Equal(
            new[] { (syncRole, "kinesis_replicator_archive", "DESCRIBE", ""), (syncRole, "kinesis_replicator_archive.*", "DESCRIBE,SELECT", "SELECT"), (syncRole, "sales", "DESCRIBE", ""), (syncRole, "sales.*", "DESCRIBE,SELECT", "SELECT") },
            Grants(primary, primaryStack, "CatalogSyncSource"));
        Assert.Equal(
            new[]
            {
                (syncRole, "kinesis_replicator_archive", "ALTER,CREATE_TABLE,DESCRIBE", "DESCRIBE"), (syncRole, "kinesis_replicator_archive.*", "ALTER,DELETE,DESCRIBE,DROP,INSERT,SELECT", "DESCRIBE,SELECT"),
                (syncRole, "sales", "ALTER,CREATE_TABLE,DESCRIBE", "DESCRIBE"), (syncRole, "sales.*", "ALTER,DELETE,DESCRIBE,DROP,INSERT,SELECT", "DESCRIBE,SELECT"),
            },
            Grants(replica, replicaStack, "CatalogSyncLakeFormation"));
        // What the local cloud grants the sync's role in the drill and the tests is what the stacks grant.
        static IEnumerable<(string, string, string, string)> Local(string role, string database, (string[] Permissions, string[] Grantable) onDatabase, (string[] Permissions, string[] Grantable) onTables) =>
        [
            (role, database, string.Join(',', onDatabase.Permissions), string.Join(',', onDatabase.Grantable)),
            (role, database + ".*", string.Join(',', onTables.Permissions), string.Join(',', onTables.Grantable)),
        ];
        string[] databases = ["sales", "kinesis_replicator_archive"];
        Assert.Equal(databases.SelectMany(d => Local(syncRole, d, SyncRoleGrants.SourceDatabase, SyncRoleGrants.SourceTables)).Order(), Grants(primary, primaryStack, "CatalogSyncSource"));
        Assert.Equal(databases.SelectMany(d => Local(syncRole, d, SyncRoleGrants.ReplicaDatabase, SyncRoleGrants.ReplicaTables)).Order(), Grants(replica, replicaStack, "CatalogSyncLakeFormation"));
        var variables = replica.Resources["CatalogSyncFunction"]!["Properties"]!["Environment"]!["Variables"]!;
        Assert.Equal(("true", syncRole), (replicaStack.Resolve(variables["CATALOG_LAKE_FORMATION_GRANTS"])!.ToString(), replicaStack.Resolve(variables["CATALOG_SYNC_ROLE_ARN"])!.ToString()));

        foreach (var (deployed, stack) in new[] { (primary, primaryStack), (replica, replicaStack) })
        {
            var named = deployed.ResourcesOfType("AWS::IAM::Role").Where(r => r.Properties["RoleName"] is not null).Select(r => stack.RoleArn(r.LogicalId)).ToList();
            Assert.NotEmpty(named);
            Assert.All(named, arn => Assert.True(GrantScope.IsStackRole(arn, stack.Region), $"{arn} is not recognised as {stack.Region}'s own role"));
        }
    }

    /// <summary>
    /// Lake Formation's actions take no resource ARNs, so the sync's IAM policy limits them by region: it
    /// reads grants and filters in both regions and writes only in its own. In the source it holds SELECT
    /// with grant option (to see filters), which this keeps it from using there.
    /// </summary>
    [Fact]
    public async Task The_sync_role_reads_lake_formation_in_both_regions_and_writes_only_in_its_own()
    {
        var (_, stack) = Deploy(Replica, Source, "secondary");
        var role = stack.RoleArn("CatalogSyncFunctionRole");
        IamQuestion Ask(string action, string region) =>
            new(role, action, "*", stack.RolePolicies("CatalogSyncFunctionRole")) { Context = new() { ["aws:RequestedRegion"] = region } };
        var questions = new List<(IamQuestion, string)>();
        foreach (var region in new[] { Source, Replica, "eu-west-1" })
        {
            foreach (var action in new[] { "lakeformation:ListPermissions", "lakeformation:ListDataCellsFilter" })
            {
                questions.Add((Ask(action, region), region == "eu-west-1" ? "ImplicitlyDenied" : "Allowed"));
            }

            foreach (var action in new[] { "lakeformation:GrantPermissions", "lakeformation:RevokePermissions", "lakeformation:CreateDataCellsFilter", "lakeformation:UpdateDataCellsFilter", "lakeformation:DeleteDataCellsFilter" })
            {
                questions.Add((Ask(action, region), region == Replica ? "Allowed" : "ImplicitlyDenied"));
            }
        }

        questions.Add((Ask("lakeformation:PutDataLakeSettings", Replica), "ImplicitlyDenied"));
        await AssertDecisionsAsync(questions);
    }

    private static (CloudFormationTemplate Deployed, ConcreteTemplate Stack) Deploy(string region, string peer, string role)
    {
        var parameters = new Dictionary<string, string>
        {
            ["TargetStreamReplicationRegion"] = peer,
            ["ReplicationTargetRegions"] = peer,
            ["RegionRole"] = role,
            ["CatalogLakeFormationDatabases"] = "sales,kinesis_replicator_archive",
            ["CatalogLakeFormationGrants"] = "true",
            ["Tenants"] = "acme",
            ["ArchiveTenantField"] = "tenant",
        };
        var deployed = DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", parameters), parameters);
        return (deployed, new ConcreteTemplate(deployed, region, parameters));
    }
}
