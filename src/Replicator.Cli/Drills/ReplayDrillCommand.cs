using System.CommandLine;
using System.Globalization;
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
            table.AddRow("in the range", N(result.Expected), "");
            table.AddRow("replayed (first copies)", N(result.Replayed), N(result.Expected));
            table.AddRow("lost", N(result.Lost), "0");
            table.AddRow("outside the range", N(result.Extra), "0");
            table.AddRow("out of key order", N(result.OrderViolations), "0");
            table.AddRow("duplicates", N(result.Duplicates), $"≤ {N(result.MaxDuplicates)} (the replay's reported bound)");
            table.AddRow("durable when stopped", N(result.StoppedAt), $"< {N(result.Expected)}");
            AnsiConsole.Write(table);
            Console.Out.WriteLine(result.FiguresJson());
            return result.Passed ? 0 : 1;
        }, cancellationToken));
        return command;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
