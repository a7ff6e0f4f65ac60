using System.CommandLine;
using System.Text.Json.Nodes;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.Failover;
using Spectre.Console;

namespace Replicator.Cli.Drills;

/// <summary>
/// <c>replicator drill failover</c> and <c>drill forced-failover</c>: the failover state machine on the
/// local cloud under load, each state shown as the machine enters it.
/// </summary>
public static class FailoverDrillCommand
{
    private static readonly string[] ThreeRegions = [TwoRegionCloud.DefaultRegionA, TwoRegionCloud.DefaultRegionB, "eu-west-1"];

    public static Command Planned()
    {
        var command = new Command(
            "failover",
            "Fail a stream over from region A to B and back with the failover state machine while producers keep writing through its DNS record; check every acknowledged record.");
        command.SetAction((_, cancellationToken) => RunAsync(PlannedAsync, cancellationToken));
        return command;
    }

    public static Command Forced()
    {
        var command = new Command(
            "forced-failover",
            "Let replication fall behind, stop region A's emulators (us-east-1, and with them Route 53's control plane) in the middle of the drain, force the failover to B, moving producers by ARC routing controls, and compare the RPO it reports with the records actually missing in B.");
        command.SetAction((_, cancellationToken) => RunAsync(ForcedAsync, cancellationToken));
        return command;
    }

    public static Command FanOut()
    {
        var command = new Command(
            "fan-out-failover",
            "With three regions, A feeding B and C, fail over from A to B while A's relay into C is far behind; check that B and C each hold every acknowledged record.");
        command.SetAction((_, cancellationToken) => RunAsync(FanOutAsync, cancellationToken, ThreeRegions));
        return command;
    }

    public static Command Concurrent()
    {
        var command = new Command(
            "concurrent-failover",
            "With three regions on global tables (1 s replication lag), start failovers A→B and A→C at once; check that exactly one wins, every replica and DNS agree on it, and no acknowledged record is lost.");
        command.SetAction((_, cancellationToken) => RunAsync(ConcurrentAsync, cancellationToken, ThreeRegions));
        return command;
    }

    /// <summary>Every failover drill runs on global tables with the default replication lag.</summary>
    private static Task<int> RunAsync(Func<TwoRegionCloud, TextWriter, CancellationToken, Task<int>> drill, CancellationToken cancellationToken, IReadOnlyList<string>? regions = null) =>
        LocalDrill.RunAsync(
            "failover-functions.log",
            (cloud, functionLog, _, cancellationToken) => drill(cloud, functionLog, cancellationToken),
            cancellationToken,
            regions,
            TwoRegionCloud.DefaultReplicationLag);

    private static async Task<int> FanOutAsync(TwoRegionCloud cloud, TextWriter functionLog, CancellationToken cancellationToken)
    {
        var result = await FanOutFailoverDrill.RunAsync(cloud, functionLog, cancellationToken);
        AnsiConsole.MarkupLine(result.Failover.IsSuccess
            ? $"Failover [green]succeeded[/]; of {LocalDrill.Count(result.Acknowledged)} acknowledged records, {result.InTarget.Missing} missing in the target and {result.InThirdRegion.Missing} in the third region"
            : $"Failover [red]failed[/]: {Markup.Escape($"{result.Failover.Error}: {result.Failover.Cause}")}");
        Console.Out.WriteLine(result.FiguresJson());
        return result.Passed ? 0 : 1;
    }

    private static async Task<int> ConcurrentAsync(TwoRegionCloud cloud, TextWriter functionLog, CancellationToken cancellationToken)
    {
        var result = await ConcurrentFailoverDrill.RunAsync(cloud, functionLog, cancellationToken);
        foreach (var attempt in result.Attempts)
        {
            AnsiConsole.MarkupLine(attempt.IsSuccess ? "A failover [green]succeeded[/]" : $"A failover [yellow]failed[/]: {Markup.Escape($"{attempt.Error}: {attempt.Cause}")}");
        }

        AnsiConsole.MarkupLine(Markup.Escape(
            $"Active region by replica: {string.Join(", ", result.ActiveInEachRegion.Select(r => $"{r.Key}: {r.Value}"))}; DNS sends producers to {result.Dns}; " +
            $"of {LocalDrill.Count(result.Acknowledged)} acknowledged records, {result.InActiveRegion.Missing} missing in the active region"));
        Console.Out.WriteLine(result.FiguresJson());
        return result.Passed ? 0 : 1;
    }

    private static async Task<int> ForcedAsync(TwoRegionCloud cloud, TextWriter functionLog, CancellationToken cancellationToken)
    {
        var result = await ForcedFailoverDrill.RunAsync(cloud, functionLog, ShowState, cancellationToken, route53ControlPlaneDown: true, routingControls: true);
        var execution = result.Execution;
        AnsiConsole.MarkupLine(execution.IsSuccess
            ? $"Forced failover [green]succeeded[/]: DNS {(result.DnsMoved ? "moved" : "[yellow]not moved[/]")}, now {Markup.Escape(result.Dns ?? "(none)")}; RPO reported {result.ReportedRpoRecords} records ({execution.Output?["rpoSeconds"]} s), actually missing in B {result.ActualMissing}; {result.WrittenToTarget} records written into B since"
            : $"Forced failover [red]failed[/]: {Markup.Escape($"{execution.Error}: {execution.Cause}")}");
        Console.Out.WriteLine(result.FiguresJson());
        return result.Passed ? 0 : 1;
    }

    private static async Task<int> PlannedAsync(TwoRegionCloud cloud, TextWriter functionLog, CancellationToken cancellationToken)
    {
        var result = await PlannedFailoverDrill.RunAsync(cloud, functionLog, ShowState, cancellationToken);

        var table = new Table().AddColumns("move", "outcome", "acknowledged then", "lost", "order violations", "DNS after", "RTO s", "RPO records");
        foreach (var (name, move) in new[] { ("failover", result.Failover), ("failback", result.Failback) })
        {
            table.AddRow(
                name,
                move.Execution.IsSuccess ? "[green]succeeded[/]" : $"[red]{Markup.Escape($"{move.Execution.Error}: {move.Execution.Cause}")}[/]",
                move.Acknowledged.ToString(System.Globalization.CultureInfo.InvariantCulture),
                move.Lost.ToString(System.Globalization.CultureInfo.InvariantCulture),
                move.OrderViolations.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(move.Dns ?? "(none)"),
                move.Figure("rtoSeconds")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                move.Figure("rpoRecords")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Records copied back into their origin region: {result.Looped}; notifications published: {result.Notifications}");
        Console.Out.WriteLine(result.FiguresJson());
        return result.Passed ? 0 : 1;
    }

    private static void ShowState(string move, JsonObject executionEvent)
    {
        if ((string?)executionEvent["type"] is "StateEntered" && executionEvent["state"]?["name"] is { } state)
        {
            AnsiConsole.MarkupLine($"[grey]{DateTimeOffset.UtcNow:HH:mm:ss.fff}[/] {move}: {Markup.Escape(state.ToString())}");
        }
    }
}
