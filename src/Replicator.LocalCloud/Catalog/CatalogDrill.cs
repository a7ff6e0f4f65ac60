using System.Globalization;
using System.Text.Json.Nodes;
using Replicator.Aws.Glue;
using Replicator.Aws.LakeFormation;
using Replicator.Catalog;
using Replicator.Catalog.Grants;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.StandIns;
using Replicator.LocalCloud.StepFunctions;
using Replicator.LocalCloud.Verification;

namespace Replicator.LocalCloud.Catalog;

/// <summary>
/// The catalog sync drill: a source catalog of 2 databases, 10 tables and 10,000 partitions in region A,
/// with Lake Formation grants to readers, synced into B by the state machine four times: first sync,
/// no-op sync, a change of one table, 1 % of the partitions and two grants, and deletes. After each sync
/// every table, partition and copied grant is compared.
/// </summary>
public static class CatalogDrill
{
    private const int TablesPerDatabase = 5;
    private const int PartitionsPerTable = 1000;

    public static async Task<CatalogDrillResult> RunAsync(TwoRegionCloud cloud, TextWriter functionLog, Action<string>? progress, CancellationToken cancellationToken)
    {
        var (a, b) = (cloud.Regions.First(), cloud.Regions.Last());
        var source = cloud.CreateGlueClient(a);
        var replica = cloud.CreateGlueClient(b);
        var locations = LocationRewriter.Parse($"s3://lake-{a}/=s3://lake-{b}/");
        var run = $"{Guid.NewGuid():N}"[..8];
        string[] databases = [$"drill_{run}_sales", $"drill_{run}_audit"];
        progress?.Invoke($"creating {databases.Length * TablesPerDatabase} tables and {databases.Length * TablesPerDatabase * PartitionsPerTable:N0} partitions in {a}");
        foreach (var database in databases)
        {
            await source.CreateDatabaseAsync(new JsonObject { ["Name"] = database, ["LocationUri"] = $"s3://lake-{a}/{database}/" }, cancellationToken).ConfigureAwait(false);
            for (var t = 0; t < TablesPerDatabase; t++)
            {
                await source.CreateTableAsync(database, Table(a, database, $"t{t}", "bigint"), cancellationToken).ConfigureAwait(false);
                foreach (var batch in Enumerable.Range(0, PartitionsPerTable).Select(h => Partition(a, database, $"t{t}", h, "")).Chunk(GlueClient.MaxBatchWrite))
                {
                    await source.BatchCreatePartitionAsync(database, $"t{t}", batch, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        var syncRole = $"arn:aws:iam::000000000000:role/{GrantScope.StackRolePrefix}catalog-sync-{b}";
        var scope = new GrantScope(a, b, syncRole);
        var (sourceGrants, replicaGrants) = (cloud.LakeFormation(a), cloud.LakeFormation(b));
        await SetUpGrantsAsync(cloud, scope, databases, cancellationToken).ConfigureAwait(false);
        var settings = new Dictionary<string, string>
        {
            [CatalogSyncEnvironment.Databases] = string.Join(',', databases),
            [CatalogSyncEnvironment.PrefixMap] = $"s3://lake-{a}/=s3://lake-{b}/",
            [CatalogSyncEnvironment.PropagateDeletes] = "true",
            [CatalogSyncEnvironment.LakeFormationGrants] = "true",
            [CatalogSyncEnvironment.SyncRoleArn] = syncRole,
        };
        var topics = new LocalTopics();
        var machine = new LocalCatalogSync(cloud, a, b, topics, functionLog);
        var mismatches = 0;
        var grantMismatches = 0;
        var grantWrites = 0;
        async Task<int> SyncAsync(string step)
        {
            progress?.Invoke(step);
            var result = await machine.RunAsync(settings, null, cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"The catalog sync ({step}) failed: {result.Error}: {result.Cause}");
            }

            mismatches += await CatalogComparison.MismatchesAsync(source, replica, locations, databases, cancellationToken).ConfigureAwait(false);
            grantMismatches += Differing(CopiedGrants(sourceGrants, scope, databases), CopiedGrants(replicaGrants, scope, databases))
                + Differing(Filters(sourceGrants, databases), Filters(replicaGrants, databases));
            grantWrites = Writes(result.Output!, "grants") + Writes(result.Output!, "filters");
            return ((string[])["databases", "tables", "partitions", "grants", "filters"]).Sum(kind => Writes(result.Output!, kind));
        }

        var first = await SyncAsync("first sync").ConfigureAwait(false);
        var firstGrantWrites = grantWrites;
        var noop = await SyncAsync("no-op sync").ConfigureAwait(false);

        await source.UpdateTableAsync(databases[0], Table(a, databases[0], "t0", "decimal(20,0)"), cancellationToken).ConfigureAwait(false);
        var changed = Enumerable.Range(0, databases.Length * TablesPerDatabase * PartitionsPerTable / 100)
            .Select(i => (Database: databases[i % databases.Length], Table: $"t{i % TablesPerDatabase}", Hour: i * 7 % PartitionsPerTable))
            .Distinct()
            .ToList();
        foreach (var group in changed.GroupBy(c => (c.Database, c.Table)))
        {
            await source.BatchUpdatePartitionAsync(group.Key.Database, group.Key.Table,
                group.Select(c => Partition(a, c.Database, c.Table, c.Hour, "compacted/")).ToList(), cancellationToken).ConfigureAwait(false);
        }

        // One reader loses a grant and another gains one with grant option: two grant writes.
        sourceGrants.Revoke(Reader("b"), LakeFormationResources.Table(databases[0], "t0"), ["SELECT"]);
        sourceGrants.Grant(Reader("d"), LakeFormationResources.AllTables(databases[1]), ["SELECT"], ["SELECT"]);
        var change = await SyncAsync("1 % change").ConfigureAwait(false);

        await source.DeleteTableAsync(databases[1], "t4", cancellationToken).ConfigureAwait(false);
        await source.BatchDeletePartitionAsync(databases[0], "t1", Enumerable.Range(0, 25).Select(h => new JsonArray(Hour(h))).ToList(), cancellationToken).ConfigureAwait(false);
        await SyncAsync("deletes").ConfigureAwait(false);

        return new CatalogDrillResult(first - firstGrantWrites, noop, change, 1 + changed.Count + 2, mismatches, firstGrantWrites, grantMismatches);
    }

    /// <summary>
    /// The sync's role as each region's stack grants it (template.yaml's CatalogSyncSource*Grant in A,
    /// CatalogSyncLakeFormation*Grant in B, on databases that exist in B before its stack is deployed),
    /// and in A, per database, grants to readers the sync copies, one it does not (ALTER), one to a
    /// role of A's own stack, and a data cells filter with a reader's grant through it; in B a grant the
    /// source no longer has.
    /// </summary>
    private static async Task SetUpGrantsAsync(TwoRegionCloud cloud, GrantScope scope, string[] databases, CancellationToken cancellationToken)
    {
        var (source, replica) = (cloud.LakeFormation(scope.SourceRegion), cloud.LakeFormation(scope.ReplicaRegion));
        var accessKey = cloud.Credentials.GetCredentials().AccessKey;
        source.Callers[accessKey] = scope.SyncRoleArn;
        replica.Callers[accessKey] = scope.SyncRoleArn;
        foreach (var database in databases)
        {
            await cloud.CreateGlueClient(scope.ReplicaRegion).CreateDatabaseAsync(new JsonObject { ["Name"] = database }, cancellationToken).ConfigureAwait(false);
            SyncRoleGrants.Apply(source, replica, scope.SyncRoleArn, database);

            source.Grant(Reader("a"), LakeFormationResources.Database(database), ["DESCRIBE"]);
            source.Grant(Reader("a"), LakeFormationResources.AllTables(database), ["DESCRIBE", "SELECT"]);
            source.Grant(Reader("b"), LakeFormationResources.Table(database, "t0"), ["ALTER", "SELECT"]);
            source.Grant(Reader("c"), new JsonObject { ["TableWithColumns"] = new JsonObject { ["DatabaseName"] = database, ["Name"] = "t1", ["ColumnNames"] = new JsonArray("id") } }, ["SELECT"]);
            source.Grant($"arn:aws:iam::000000000000:role/{GrantScope.StackRolePrefix}tenant-x-{scope.SourceRegion}", LakeFormationResources.Table(database, "t2"), ["SELECT"]);
            replica.Grant(Reader("stale"), LakeFormationResources.AllTables(database), ["SELECT"]);

            source.CreateFilter(new JsonObject
            {
                ["DatabaseName"] = database,
                ["TableName"] = "t0",
                ["Name"] = "eu_only",
                ["RowFilter"] = new JsonObject { ["FilterExpression"] = "region = 'eu'" },
                ["ColumnWildcard"] = new JsonObject(),
            });
            source.Grant(Reader("e"), LakeFormationResources.DataCellsFilter(database, "t0", "eu_only"), ["SELECT"]);
        }
    }

    /// <summary>Lines one side has and the other lacks, both ways.</summary>
    private static int Differing(IEnumerable<string> source, IEnumerable<string> replica)
    {
        var differing = source.ToHashSet(StringComparer.Ordinal);
        differing.SymmetricExceptWith(replica);
        return differing.Count;
    }

    private static IEnumerable<string> Filters(LakeFormationStandIn grants, string[] databases) =>
        grants.Filters().Where(f => databases.Any(d => f.Key.StartsWith(d + ".", StringComparison.Ordinal))).Select(f => $"{f.Key} {f.Value}");

    private static IEnumerable<string> CopiedGrants(LakeFormationStandIn grants, GrantScope scope, string[] databases) =>
        grants.Snapshot((principal, permission) => scope.Copies(principal) && GrantScope.Permissions.Contains(permission))
            .Where(line => databases.Any(d => line.StartsWith(d + ".", StringComparison.Ordinal) || line.StartsWith(d + " ", StringComparison.Ordinal)));

    private static int Writes(JsonNode output, string kind) =>
        (int)output[kind]!["created"]! + (int)output[kind]!["updated"]! + (int)output[kind]!["deleted"]!;

    private static string Reader(string name) => $"arn:aws:iam::000000000000:role/drill-reader-{name}";


    private static JsonObject Table(string region, string database, string name, string idType) => new()
    {
        ["Name"] = name,
        ["TableType"] = "EXTERNAL_TABLE",
        ["PartitionKeys"] = new JsonArray(new JsonObject { ["Name"] = "hour", ["Type"] = "string" }),
        ["Parameters"] = new JsonObject { ["classification"] = "json" },
        ["StorageDescriptor"] = new JsonObject
        {
            ["Location"] = $"s3://lake-{region}/{database}/{name}/",
            ["Columns"] = new JsonArray(new JsonObject { ["Name"] = "id", ["Type"] = idType }, new JsonObject { ["Name"] = "payload", ["Type"] = "string" }),
        },
    };

    private static JsonObject Partition(string region, string database, string table, int hour, string subfolder) => new()
    {
        ["Values"] = new JsonArray(Hour(hour)),
        ["StorageDescriptor"] = new JsonObject { ["Location"] = $"s3://lake-{region}/{database}/{table}/{subfolder}hour={Hour(hour)}/" },
    };

    private static string Hour(int hour) =>
        new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(hour).ToString("yyyy-MM-dd-HH", CultureInfo.InvariantCulture);
}

/// <param name="FirstWrites">Entities written by the first sync (all of them).</param>
/// <param name="NoopWrites">Entities written by a sync with nothing to do (must be 0).</param>
/// <param name="ChangeWrites">Entities written after one table and 1 % of the partitions changed.</param>
/// <param name="Mismatches">Tables and partitions that differed between the regions after any of the four syncs.</param>
/// <param name="FirstGrantWrites">Lake Formation permissions the first sync granted, revoked or changed, and data cells filters it wrote.</param>
/// <param name="GrantMismatches">Copied grants (DESCRIBE and SELECT, the stacks' own roles aside) and data cells filters that differed between the regions after any sync.</param>
public sealed record CatalogDrillResult(int FirstWrites, int NoopWrites, int ChangeWrites, int ExpectedChangeWrites, int Mismatches, int FirstGrantWrites, int GrantMismatches)
{
    public bool Passed => NoopWrites == 0 && ChangeWrites == ExpectedChangeWrites && Mismatches == 0 && GrantMismatches == 0;

    /// <summary>The figures line of <c>replicator drill catalog</c> (DESIGN.md, "Commands and figures").</summary>
    public string FiguresJson() => new JsonObject
    {
        ["first_writes"] = FirstWrites,
        ["noop_writes"] = NoopWrites,
        ["change_writes"] = ChangeWrites,
        ["expected_change_writes"] = ExpectedChangeWrites,
        ["mismatches"] = Mismatches,
        ["first_grant_writes"] = FirstGrantWrites,
        ["grant_mismatches"] = GrantMismatches,
    }.ToJsonString();
}
