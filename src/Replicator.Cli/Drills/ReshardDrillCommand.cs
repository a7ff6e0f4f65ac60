using System.CommandLine;
using Replicator.LocalCloud.Resharding;
using Spectre.Console;

namespace Replicator.Cli.Drills;

/// <summary><c>replicator drill reshard</c>: replication while both streams split, merge and scale, every record checked.</summary>
public static class ReshardDrillCommand
{
    public static Command Create()
    {
        var records = new Option<int>("--records") { Description = "CDC records to produce while the streams reshard", DefaultValueFactory = _ => 100_000 };
        var command = new Command(
            "reshard",
            "Replicate a 4-shard stream into a 7-shard one while the source scales to 8, splits, merges and scales to 5, and the target scales to 5, with a mapping that reads children as soon as they are listed; check every record and the watermark.")
        {
            records,
        };
        command.SetAction((parse, cancellationToken) => LocalDrill.RunAsync("reshard-functions.log", async (cloud, functionLog, progress, cancellationToken) =>
        {
            var result = await ReshardDrill.RunAsync(cloud, functionLog, progress, cancellationToken, parse.GetValue(records));
            var table = new Table().AddColumns("check", "value", "must be");
            table.AddRow("records produced", LocalDrill.Count(result.Check.Produced), "");
            table.AddRow("reshards (source and target)", LocalDrill.Count(result.Reshards), "≥ 5");
            table.AddRow("lost", LocalDrill.Count(result.Check.Missing), "0");
            table.AddRow("out of key order", LocalDrill.Count(result.Check.OrderViolations), "0");
            table.AddRow("duplicates (retries)", LocalDrill.Count(result.Check.Duplicates), "");
            table.AddRow("closed source shards replicated to their end", $"{result.ClosedShardsDone} of {result.ClosedShards}", "all");
            table.AddRow("watermark behind the newest commit (s)", result.WatermarkBehindSeconds?.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) ?? "(none)", $"≤ {ReshardResult.WatermarkSlackSeconds}");
            AnsiConsole.Write(table);
            Console.Out.WriteLine(result.FiguresJson());
            return result.Passed ? 0 : 1;
        }, cancellationToken));
        return command;
    }
}
