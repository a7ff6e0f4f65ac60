using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Replicator.Aws.Glue;
using Replicator.Catalog;
using Replicator.LocalCloud.StandIns;
using Spectre.Console;

namespace Replicator.Benchmarks.CatalogSync;

/// <summary>
/// A no-op catalog sync of 100 tables and 100,000 partitions (10 and 10,000 with --quick) between two
/// Glue stand-ins: calls by kind and time, against the recreate-everything baseline on the same catalogs.
/// </summary>
public static class CatalogBenchmark
{
    private const string Database = "lake";
    private const int PartitionsPerTable = 1000;

    public static async Task<int> RunAsync(bool quick)
    {
        var tables = quick ? 10 : 100;
        await using var sourceRegion = new GlueStandIn();
        await using var replicaRegion = new GlueStandIn();
        var source = sourceRegion.CreateClient("us-east-1");
        var replica = replicaRegion.CreateClient("us-west-2");
        Console.WriteLine($"Creating {tables} tables and {tables * PartitionsPerTable:N0} partitions in the source catalog");
        await CreateSourceAsync(source, tables);
        var sync = new Replicator.Catalog.CatalogSync(source, replica);
        var options = new CatalogSyncOptions(LocationRewriter.None);
        var first = await sync.RunAsync(options, default);
        Console.WriteLine($"First sync wrote {first.Writes:N0} entities");

        var ours = await MeasureAsync(source, replica, () => sync.RunAsync(options, default));
        var baseline = await MeasureAsync(source, replica, () => new RecreateEverythingBaseline(source, replica).RunAsync(Database, default));

        var table = new Table().AddColumns("no-op sync", "read calls", "write calls", "seconds");
        table.AddRow($"incremental ({tables} tables, {tables * PartitionsPerTable:N0} partitions)", N(ours.Reads), N(ours.Writes), ours.Seconds.ToString("0.00", CultureInfo.InvariantCulture));
        table.AddRow("recreate everything (baseline)", N(baseline.Reads), N(baseline.Writes), baseline.Seconds.ToString("0.00", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        Console.Out.WriteLine(new JsonObject
        {
            ["noop_writes"] = ours.Writes,
            ["noop_reads"] = ours.Reads,
            ["baseline_writes"] = baseline.Writes,
            ["seconds"] = Math.Round(ours.Seconds, 2),
        }.ToJsonString());
        return ours.Writes == 0 ? 0 : 1;
    }

    private static async Task<(long Reads, long Writes, double Seconds)> MeasureAsync(GlueClient source, GlueClient replica, Func<Task> run)
    {
        var (reads, writes) = (source.Calls.Reads + replica.Calls.Reads, source.Calls.Writes + replica.Calls.Writes);
        var clock = Stopwatch.StartNew();
        await run();
        return (source.Calls.Reads + replica.Calls.Reads - reads, source.Calls.Writes + replica.Calls.Writes - writes, clock.Elapsed.TotalSeconds);
    }

    private static async Task CreateSourceAsync(GlueClient source, int tables)
    {
        await source.CreateDatabaseAsync(new JsonObject { ["Name"] = Database }, default);
        for (var t = 0; t < tables; t++)
        {
            var name = $"t{t:000}";
            await source.CreateTableAsync(Database, new JsonObject
            {
                ["Name"] = name,
                ["PartitionKeys"] = new JsonArray(new JsonObject { ["Name"] = "hour", ["Type"] = "string" }),
                ["StorageDescriptor"] = new JsonObject { ["Location"] = $"s3://lake/{name}/" },
            }, default);
            foreach (var batch in Enumerable.Range(0, PartitionsPerTable).Chunk(GlueClient.MaxBatchWrite))
            {
                await source.BatchCreatePartitionAsync(Database, name, batch.Select(h => new JsonObject
                {
                    ["Values"] = new JsonArray($"{h:0000}"),
                    ["StorageDescriptor"] = new JsonObject { ["Location"] = $"s3://lake/{name}/hour={h:0000}/" },
                }).ToList(), default);
            }
        }
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
