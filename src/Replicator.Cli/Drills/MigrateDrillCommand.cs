using System.CommandLine;
using Replicator.LocalCloud.Migration;
using Spectre.Console;

namespace Replicator.Cli.Drills;

/// <summary><c>replicator drill migrate</c>: a seed 004 installation switched to this relay mid-stream, every record checked.</summary>
public static class MigrateDrillCommand
{
    public static Command Create()
    {
        var records = new Option<int>("--records") { Description = "CDC records to produce while the relays switch", DefaultValueFactory = _ => 20_000 };
        var command = new Command(
            "migrate",
            "Run seed 004's per-record relay on a stream while producers write, stop it a third of the way, deploy this relay over the same stream and tables (seed-written items), and check every record in the target.")
        {
            records,
        };
        command.SetAction((parse, cancellationToken) => LocalDrill.RunAsync("migrate-functions.log", async (cloud, functionLog, progress, cancellationToken) =>
        {
            var result = await MigrationDrill.RunAsync(cloud, functionLog, progress, cancellationToken, parse.GetValue(records));
            var table = new Table().AddColumns("check", "value", "must be");
            table.AddRow("records produced", LocalDrill.Count(result.Check.Produced), "");
            table.AddRow("copied by seed 004's relay before the switch", LocalDrill.Count(result.SeedRelayed), "> 0");
            table.AddRow("lost", LocalDrill.Count(result.Check.Missing), "0");
            table.AddRow("out of key order", LocalDrill.Count(result.Check.OrderViolations), "0");
            table.AddRow("duplicates (copied again from TRIM_HORIZON)", LocalDrill.Count(result.Check.Duplicates), $"≤ {LocalDrill.Count(result.SeedRelayed)} and what retries add");
            table.AddRow("watermark seed 004 left", Markup.Escape(result.SeedWatermark ?? "(none)"), "");
            table.AddRow("watermark after the switch", Markup.Escape(result.Watermark ?? "(none)"), "this relay's format, later");
            AnsiConsole.Write(table);
            Console.Out.WriteLine(result.FiguresJson());
            return result.Passed ? 0 : 1;
        }, cancellationToken));
        return command;
    }
}
