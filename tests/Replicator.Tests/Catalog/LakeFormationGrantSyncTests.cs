using System.Text.Json.Nodes;
using Replicator.Aws.LakeFormation;
using Replicator.Catalog;
using Replicator.Catalog.Grants;
using Replicator.LocalCloud.Catalog;
using Replicator.LocalCloud.StandIns;

namespace Replicator.Tests.Catalog;

/// <summary>
/// The catalog sync's copy of Lake Formation grants between two regions' stand-ins (which list only what
/// the caller holds, and let it grant only what it holds with grant option), checked grant by grant.
/// </summary>
public sealed class LakeFormationGrantSyncTests : IAsyncLifetime
{
    private const string SourceRegion = "us-east-1";
    private const string ReplicaRegion = "us-east-2";
    private const string SyncKey = "SYNC";
    private const string SyncRole = "arn:aws:iam::000000000000:role/kinesis-replicator-catalog-sync-us-east-2";
    private const string Analyst = "arn:aws:iam::000000000000:role/analyst";
    private const string Auditor = "arn:aws:iam::000000000000:role/auditor";
    private const string Former = "arn:aws:iam::000000000000:role/former-reader";
    private const string SourceTenant = "arn:aws:iam::000000000000:role/kinesis-replicator-tenant-a-us-east-1";
    private const string ReplicaTenant = "arn:aws:iam::000000000000:role/kinesis-replicator-tenant-a-us-east-2";

    private static readonly JsonObject Sales = LakeFormationResources.Database("sales");
    private static readonly JsonObject AllSales = LakeFormationResources.AllTables("sales");
    private static readonly JsonObject Orders = LakeFormationResources.Table("sales", "orders");
    private static readonly JsonObject RefundAmounts = new() { ["TableWithColumns"] = new JsonObject { ["DatabaseName"] = "sales", ["Name"] = "refunds", ["ColumnNames"] = new JsonArray("id", "amount") } };

    private readonly GlueStandIn _sourceCatalog = new();
    private readonly GlueStandIn _replicaCatalog = new();
    private LakeFormationStandIn _sourceGrants = null!;
    private LakeFormationStandIn _replicaGrants = null!;

    public async Task InitializeAsync()
    {
        _sourceGrants = new LakeFormationStandIn(_sourceCatalog);
        _replicaGrants = new LakeFormationStandIn(_replicaCatalog);
        foreach (var grants in new[] { _sourceGrants, _replicaGrants })
        {
            grants.Callers[SyncKey] = SyncRole;
        }

        var source = _sourceCatalog.CreateClient(SourceRegion);
        await source.CreateDatabaseAsync(new JsonObject { ["Name"] = "sales" }, default);
        await source.CreateTableAsync("sales", new JsonObject { ["Name"] = "orders" }, default);
        await source.CreateTableAsync("sales", new JsonObject { ["Name"] = "refunds" }, default);
        // The replica's database exists before its stack grants the sync on it.
        await _replicaCatalog.CreateClient(ReplicaRegion).CreateDatabaseAsync(new JsonObject { ["Name"] = "sales" }, default);

        // What each region's stack grants the sync: to read in the source, to grant on in the replica.
        SyncRoleGrants.Apply(_sourceGrants, _replicaGrants, SyncRole, "sales");

        // The source's readers, one tenant role of the source's stack, and a permission the sync does not copy.
        _sourceGrants.Grant(Analyst, Sales, ["DESCRIBE"]);
        _sourceGrants.Grant(Analyst, Orders, ["ALTER", "DESCRIBE", "SELECT"]);
        _sourceGrants.Grant(Auditor, AllSales, ["SELECT"], ["SELECT"]);
        _sourceGrants.Grant(Auditor, RefundAmounts, ["SELECT"]);
        _sourceGrants.Grant(SourceTenant, AllSales, ["SELECT"]);

        // The replica: a reader the source has since dropped, the auditor without grant option, its own stack's tenant role.
        _replicaGrants.Grant(Former, Sales, ["DESCRIBE"]);
        _replicaGrants.Grant(Auditor, AllSales, ["SELECT"]);
        _replicaGrants.Grant(ReplicaTenant, AllSales, ["SELECT"]);
    }

    public async Task DisposeAsync()
    {
        await _sourceGrants.DisposeAsync();
        await _replicaGrants.DisposeAsync();
        await _sourceCatalog.DisposeAsync();
        await _replicaCatalog.DisposeAsync();
    }

    [Fact]
    public async Task Replica_grants_become_the_sources_but_for_each_stacks_own_roles_and_a_second_sync_writes_nothing()
    {
        var first = await SyncAsync();

        Assert.Empty(first.Failures);
        // Created: the analyst's DESCRIBE on sales, DESCRIBE and SELECT on orders, the auditor's columns;
        // updated: the auditor's grant option; deleted: the former reader's DESCRIBE.
        Assert.Equal((4, 1, 1), (first.Grants.Created, first.Grants.Updated, first.Grants.Deleted));
        Assert.Equal(
            new[]
            {
                $"sales {SyncRole} ALTER", $"sales {SyncRole} CREATE_TABLE", $"sales {SyncRole} DESCRIBE+grant",
                $"sales {Analyst} DESCRIBE",
                $"sales.* {SyncRole} ALTER", $"sales.* {SyncRole} DELETE", $"sales.* {SyncRole} DESCRIBE+grant", $"sales.* {SyncRole} DROP",
                $"sales.* {SyncRole} INSERT", $"sales.* {SyncRole} SELECT+grant",
                $"sales.* {Auditor} SELECT+grant",
                $"sales.* {ReplicaTenant} SELECT",
                $"sales.orders {Analyst} DESCRIBE", $"sales.orders {Analyst} SELECT",
                $"sales.refunds([\"id\",\"amount\"]) {Auditor} SELECT",
            }.Order(StringComparer.Ordinal),
            _replicaGrants.Snapshot());

        var second = await SyncAsync();

        Assert.Empty(second.Failures);
        Assert.Equal(0, second.Grants.Writes);
        Assert.Equal(5, second.Grants.Unchanged);
    }

    [Fact]
    public async Task A_dry_run_counts_the_same_changes_and_grants_nothing()
    {
        var before = _replicaGrants.Snapshot();

        var dry = await SyncAsync(dryRun: true);

        Assert.Empty(dry.Failures);
        Assert.Equal((4, 1, 1), (dry.Grants.Created, dry.Grants.Updated, dry.Grants.Deleted));
        Assert.Equal(before, _replicaGrants.Snapshot());
    }

    /// <summary>
    /// Lake Formation lists no SELECT grant to a caller without SELECT, and no data cells filter to one
    /// without SELECT's grant option: trusting those listings would revoke the auditor's and the analyst's
    /// SELECT in the replica, or delete its filters.
    /// </summary>
    [Theory]
    [InlineData(new[] { "DESCRIBE" }, new string[0], "lacks SELECT on sales.* in us-east-1")]
    [InlineData(new[] { "DESCRIBE", "SELECT" }, new string[0], "lacks SELECT with grant option on sales.* in us-east-1")]
    public async Task Without_what_it_needs_to_see_in_the_source_the_sync_changes_nothing_rather_than_remove_what_it_cannot_see(string[] held, string[] grantable, string lack)
    {
        await using var sourceGrants = new LakeFormationStandIn(_sourceCatalog) { Callers = { [SyncKey] = SyncRole } };
        sourceGrants.Grant(SyncRole, Sales, ["DESCRIBE"]);
        sourceGrants.Grant(SyncRole, AllSales, held, grantable);
        sourceGrants.Grant(Auditor, AllSales, ["SELECT"], ["SELECT"]);
        await SyncAsync();
        sourceGrants.CreateFilter(Filter("orders", "eu_only", "region = 'eu'"));
        _replicaGrants.CreateFilter(Filter("orders", "eu_only", "region = 'eu'"));
        _replicaGrants.Grant(Analyst, Orders, ["SELECT"]);
        var (grantsBefore, filtersBefore) = (_replicaGrants.Snapshot(), _replicaGrants.Filters());

        var result = await SyncAsync(sourceGrants: sourceGrants);

        var failure = Assert.Single(result.Failures);
        Assert.Equal(("grant", "sales"), (failure.Kind, failure.Name));
        Assert.Contains(lack, failure.Error, StringComparison.Ordinal);
        Assert.Equal(grantsBefore, _replicaGrants.Snapshot());
        Assert.Equal(filtersBefore, _replicaGrants.Filters());
    }

    [Fact]
    public async Task Data_cells_filters_are_made_updated_and_deleted_in_the_replica_and_grants_through_them_follow()
    {
        const string EuAnalyst = "arn:aws:iam::000000000000:role/eu-analyst";
        await SyncAsync();
        _sourceGrants.CreateFilter(Filter("orders", "eu_only", "region = 'eu'"));
        _sourceGrants.Grant(EuAnalyst, LakeFormationResources.DataCellsFilter("sales", "orders", "eu_only"), ["SELECT"]);
        _sourceGrants.CreateFilter(Filter("refunds", "large", "amount > 1000"));
        _replicaGrants.CreateFilter(Filter("refunds", "large", "amount > 100"));
        _replicaGrants.CreateFilter(Filter("orders", "dropped", "true"));
        _replicaGrants.Grant(Former, LakeFormationResources.DataCellsFilter("sales", "orders", "dropped"), ["SELECT"]);

        var result = await SyncAsync();

        Assert.Empty(result.Failures);
        Assert.Equal((1, 1, 1), (result.Filters.Created, result.Filters.Updated, result.Filters.Deleted));
        Assert.Equal((1, 0, 0), (result.Grants.Created, result.Grants.Updated, result.Grants.Deleted));
        Assert.Equal(_sourceGrants.Filters(), _replicaGrants.Filters());
        Assert.Contains($"sales.orders[eu_only] {EuAnalyst} SELECT", _replicaGrants.Snapshot());
        Assert.DoesNotContain(_replicaGrants.Snapshot(), line => line.StartsWith("sales.orders[dropped]", StringComparison.Ordinal));
        Assert.Equal(0, (await SyncAsync()).Writes);
    }

    [Fact]
    public async Task Without_grant_option_in_the_replica_the_sync_says_what_its_stack_lacks_and_changes_nothing()
    {
        await using var replicaGrants = new LakeFormationStandIn(_replicaCatalog) { Callers = { [SyncKey] = SyncRole } };
        replicaGrants.Grant(SyncRole, AllSales, ["DESCRIBE", "SELECT"]);
        replicaGrants.Grant(Former, Sales, ["DESCRIBE"]);

        var result = await SyncAsync(replicaGrants: replicaGrants);

        var failure = Assert.Single(result.Failures);
        Assert.Contains($"lacks DESCRIBE,SELECT with grant option on sales.* in {ReplicaRegion}", failure.Error, StringComparison.Ordinal);
        Assert.Equal([$"sales {Former} DESCRIBE", $"sales.* {SyncRole} DESCRIBE", $"sales.* {SyncRole} SELECT"], replicaGrants.Snapshot());
    }

    [Fact]
    public async Task A_table_that_fails_to_sync_keeps_its_replica_grants_and_the_others_go_on()
    {
        // The replica's orders differs and cannot be updated: until it syncs, its grants are not the sync's to change.
        await _replicaCatalog.CreateClient(ReplicaRegion).CreateTableAsync("sales", new JsonObject { ["Name"] = "orders", ["TableType"] = "VIRTUAL_VIEW" }, default);
        _replicaGrants.Grant(Former, Orders, ["SELECT"]);
        _replicaCatalog.FailTablesWhere = (database, table) => table == "orders";

        var result = await SyncAsync();

        Assert.Contains(result.Failures, f => f.Kind == "table" && f.Name == "sales.orders");
        Assert.Contains($"sales.orders {Former} SELECT", _replicaGrants.Snapshot());
        Assert.Contains($"sales.refunds([\"id\",\"amount\"]) {Auditor} SELECT", _replicaGrants.Snapshot());
    }

    [Theory]
    [InlineData("arn:aws:iam::000000000000:role/kinesis-replicator-tenant-a-us-east-1", true)]
    [InlineData("arn:aws:iam::000000000000:role/kinesis-replicator-catalog-sync-us-east-2", true)]
    [InlineData("arn:aws:iam::000000000000:role/service/kinesis-replicator-tenant-b-us-east-2", true)]
    [InlineData("arn:aws:iam::000000000000:role/kinesis-replicator-tenant-a-eu-west-1", false)]
    [InlineData("arn:aws:iam::000000000000:role/analytics-us-east-1", false)]
    [InlineData("arn:aws:iam::000000000000:user/kinesis-replicator-us-east-1", false)]
    [InlineData("000000000000", false)]
    [InlineData("IAM_ALLOWED_PRINCIPALS", false)]
    [InlineData("arn:aws:iam::000000000000:role/catalog-operator", true)]
    public void Only_this_projects_roles_named_for_either_region_and_the_syncs_own_are_left_alone(string principal, bool leftAlone) =>
        Assert.Equal(!leftAlone, new GrantScope(SourceRegion, ReplicaRegion, "arn:aws:iam::000000000000:role/catalog-operator").Copies(principal));

    private static JsonObject Filter(string table, string name, string expression) => new()
    {
        ["DatabaseName"] = "sales",
        ["TableName"] = table,
        ["Name"] = name,
        ["RowFilter"] = new JsonObject { ["FilterExpression"] = expression },
        ["ColumnWildcard"] = new JsonObject(),
    };

    private async Task<CatalogSyncResult> SyncAsync(
        bool dryRun = false,
        LakeFormationStandIn? sourceGrants = null,
        LakeFormationStandIn? replicaGrants = null)
    {
        var grants = new LakeFormationGrantSync(
            (sourceGrants ?? _sourceGrants).CreateClient(SourceRegion, SyncKey),
            (replicaGrants ?? _replicaGrants).CreateClient(ReplicaRegion, SyncKey),
            new GrantScope(SourceRegion, ReplicaRegion, SyncRole));
        var sync = new CatalogSync(_sourceCatalog.CreateClient(SourceRegion), _replicaCatalog.CreateClient(ReplicaRegion), grants);
        return await sync.RunAsync(new CatalogSyncOptions(LocationRewriter.None, DryRun: dryRun), default);
    }
}
