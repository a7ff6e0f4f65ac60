using System.CommandLine;
using Replicator.LocalCloud.Consumers;
using Replicator.LocalCloud.Emulators;
using Spectre.Console;

namespace Replicator.Cli.Drills;

/// <summary><c>replicator drill consumers</c>: a KCL-shaped consumer behind in A, failed over to B, translated from the relay's position samples.</summary>
public static class ConsumersDrillCommand
{
    public static Command Create()
    {
        var records = new Option<int>("--records") { Description = "CDC records produced into A before the failover", DefaultValueFactory = _ => 8_000 };
        var command = new Command(
            "consumers",
            "Fail a stream over while a KCL-shaped consumer is behind in A by a different amount per shard; translate its lease table into B and read B to the end; compare with starting B at TRIM_HORIZON, LATEST and the naive AT_TIMESTAMP.")
        {
            records,
        };
        command.SetAction((parse, cancellationToken) => LocalDrill.RunAsync("consumers-functions.log", async (cloud, functionLog, progress, cancellationToken) =>
        {
            var result = await ConsumerDrill.RunAsync(cloud, functionLog, cancellationToken, parse.GetValue(records));
            var table = new Table().AddColumns("start in B", "missed", "re-read (duplicates)");
            table.AddRow("translated lease table", LocalDrill.Count(result.Translated.Missed), $"{LocalDrill.Count(result.Translated.Duplicates)} (bound {result.DuplicateBound?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}; one relay batch per source shard: {LocalDrill.Count(result.ReferenceBound)})");
            table.AddRow("TRIM_HORIZON", LocalDrill.Count(result.TrimHorizon.Missed), LocalDrill.Count(result.TrimHorizon.Duplicates));
            table.AddRow("LATEST", LocalDrill.Count(result.Latest.Missed), LocalDrill.Count(result.Latest.Duplicates));
            table.AddRow("AT_TIMESTAMP, last processed arrival in A", LocalDrill.Count(result.NaiveTimestamp.Missed), LocalDrill.Count(result.NaiveTimestamp.Duplicates));
            AnsiConsole.MarkupLineInterpolated($"Unconsumed in A at the failover: {result.Unconsumed:N0} records; position samples read: {result.SamplesRead:N0}");
            AnsiConsole.Write(table);
            Console.Out.WriteLine(result.FiguresJson());
            return result.Passed ? 0 : 1;
        }, cancellationToken, replicationLag: TwoRegionCloud.DefaultReplicationLag));
        return command;
    }
}
