using System.CommandLine;
using Replicator.LocalCloud.Replay;
using Spectre.Console;

namespace Replicator.Cli.Drills;

/// <summary><c>replicator drill replay</c>: archive → replay of a sub-range by the replay state machine, stopped once and resumed, every record checked.</summary>
public static class ReplayDrillCommand
{
    public static Command Create()
    {
        var records = new Option<int>("--records") { Description = "CDC records to produce and archive (half of them fall in the replayed range)", DefaultValueFactory = _ => 50_000 };
        var command = new Command(
            "replay",
            "Archive CDC records committed over six hours through the local Firehose, replay three of the hours into an empty stream in the other region in four lanes, stop the replay a third of the way and resume it; check every record.")
        {
            records,
        };
        command.SetAction((parse, cancellationToken) => LocalDrill.RunAsync("replay-functions.log", async (cloud, functionLog, progress, cancellationToken) =>
        {
            var result = await ReplayDrill.RunAsync(cloud, functionLog, progress, cancellationToken, parse.GetValue(records));
            var table = new Table().AddColumns("check", "records", "must be");
            table.AddRow("in the range", LocalDrill.Count(result.Expected), "");
            table.AddRow("replayed (first copies)", LocalDrill.Count(result.Replayed), LocalDrill.Count(result.Expected));
            table.AddRow("lost", LocalDrill.Count(result.Lost), "0");
            table.AddRow("outside the range", LocalDrill.Count(result.Extra), "0");
            table.AddRow("out of key order", LocalDrill.Count(result.OrderViolations), "0");
            table.AddRow("duplicates", LocalDrill.Count(result.Duplicates), $"≤ {LocalDrill.Count(result.MaxDuplicates)} (the replay's reported bound)");
            table.AddRow("durable when stopped", LocalDrill.Count(result.StoppedAt), $"< {LocalDrill.Count(result.Expected)}");
            AnsiConsole.Write(table);
            Console.Out.WriteLine(result.FiguresJson());
            return result.Passed ? 0 : 1;
        }, cancellationToken));
        return command;
    }
}
