using System.Globalization;
using System.Text.Json.Nodes;
using Replicator.Aws.Glue;
using Replicator.Catalog;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.StepFunctions;
using Replicator.LocalCloud.Verification;

namespace Replicator.LocalCloud.Catalog;

/// <summary>
/// The catalog sync drill: a source catalog of 2 databases, 10 tables and 10,000 partitions in region A,
/// synced into B by the state machine four times: first sync, no-op sync, a change of one table and
/// 1 % of the partitions, and deletes. After each sync every table and partition is compared.
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

        var settings = new Dictionary<string, string>
        {
            [CatalogSyncEnvironment.Databases] = string.Join(',', databases),
            [CatalogSyncEnvironment.PrefixMap] = $"s3://lake-{a}/=s3://lake-{b}/",
            [CatalogSyncEnvironment.PropagateDeletes] = "true",
        };
        var topics = new LocalTopics();
        var machine = new LocalCatalogSync(cloud, a, b, topics, functionLog);
        var mismatches = 0;
        async Task<int> SyncAsync(string step)
        {
            progress?.Invoke(step);
            var result = await machine.RunAsync(settings, null, cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"The catalog sync ({step}) failed: {result.Error}: {result.Cause}");
            }

            mismatches += await CatalogComparison.MismatchesAsync(source, replica, locations, databases, cancellationToken).ConfigureAwait(false);
            return ((string[])["databases", "tables", "partitions"]).Sum(kind =>
                (int)result.Output![kind]!["created"]! + (int)result.Output[kind]!["updated"]! + (int)result.Output[kind]!["deleted"]!);
        }

        var first = await SyncAsync("first sync").ConfigureAwait(false);
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

        var change = await SyncAsync("1 % change").ConfigureAwait(false);

        await source.DeleteTableAsync(databases[1], "t4", cancellationToken).ConfigureAwait(false);
        await source.BatchDeletePartitionAsync(databases[0], "t1", Enumerable.Range(0, 25).Select(h => new JsonArray(Hour(h))).ToList(), cancellationToken).ConfigureAwait(false);
        await SyncAsync("deletes").ConfigureAwait(false);

        return new CatalogDrillResult(first, noop, change, 1 + changed.Count, mismatches);
    }

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
public sealed record CatalogDrillResult(int FirstWrites, int NoopWrites, int ChangeWrites, int ExpectedChangeWrites, int Mismatches)
{
    public bool Passed => NoopWrites == 0 && ChangeWrites == ExpectedChangeWrites && Mismatches == 0;

    /// <summary>The figures line of <c>replicator drill catalog</c> (DESIGN.md, "Commands and figures").</summary>
    public string FiguresJson() => new JsonObject
    {
        ["first_writes"] = FirstWrites,
        ["noop_writes"] = NoopWrites,
        ["change_writes"] = ChangeWrites,
        ["expected_change_writes"] = ExpectedChangeWrites,
        ["mismatches"] = Mismatches,
    }.ToJsonString();
}
