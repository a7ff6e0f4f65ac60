using System.CommandLine;
using Replicator.LocalCloud.Catalog;
using Spectre.Console;

namespace Replicator.Cli.Drills;

/// <summary><c>replicator drill catalog</c>: the catalog sync state machine between the local regions' Glue stand-ins, four syncs, every entity compared.</summary>
public static class CatalogDrillCommand
{
    public static Command Create()
    {
        var command = new Command(
            "catalog",
            "Sync a Glue catalog of 10 tables and 10,000 partitions from region A to B with the catalog sync state machine: first sync, no-op sync, a 1 % change, deletes; compare every table and partition after each.");
        command.SetAction((_, cancellationToken) => LocalDrill.RunAsync("catalog-sync-function.log", async (cloud, functionLog, progress, cancellationToken) =>
        {
            var result = await CatalogDrill.RunAsync(cloud, functionLog, progress, cancellationToken);
            var table = new Table().AddColumns("sync", "entities written", "expected");
            table.AddRow("first", LocalDrill.Count(result.FirstWrites), "all");
            table.AddRow("no-op", LocalDrill.Count(result.NoopWrites), "0");
            table.AddRow("1 % change", LocalDrill.Count(result.ChangeWrites), LocalDrill.Count(result.ExpectedChangeWrites));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"Tables and partitions that differed between the regions after any sync: {result.Mismatches}");
            Console.Out.WriteLine(result.FiguresJson());
            return result.Passed ? 0 : 1;
        }, cancellationToken));
        return command;
    }
}
