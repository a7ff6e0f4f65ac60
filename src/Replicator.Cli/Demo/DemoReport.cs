using Replicator.LocalCloud.Demo;
using Replicator.Relay;
using Spectre.Console;

namespace Replicator.Cli.Demo;

/// <summary>The demo's summary: the record-by-record check, per-shard checkpoints, and the figures line.</summary>
public static class DemoReport
{
    public static void Write(DemoResult result, DemoOptions options)
    {
        var check = result.Check;
        var summary = new Table().AddColumns("", "");
        summary.HideHeaders();
        summary.AddRow("records produced in " + options.RegionA, check.Produced.ToString("N0"));
        summary.AddRow("records found in " + options.RegionB, check.Found.ToString("N0"));
        summary.AddRow("missing", Verdict(check.Missing));
        summary.AddRow("per-key order violations", Verdict(check.OrderViolations));
        summary.AddRow("duplicates (allowed, at-least-once)", check.Duplicates.ToString("N0"));
        summary.AddRow("unexpected records", Verdict(check.Unexpected));
        summary.AddRow("replicated up to", result.ReplicatedUpTo is { } upTo ? CommitTimestamps.Format(upTo) : "[red]no watermark[/]");
        summary.AddRow("wall time", $"{result.Wall.TotalSeconds:F1} s");
        if (result.Faults is { } faults)
        {
            summary.AddRow("injected: failed records", faults.FailedRecords.ToString("N0"));
            summary.AddRow("injected: throttled requests", faults.ThrottledRequests.ToString("N0"));
            summary.AddRow("injected: crashed invocations", faults.Crashes.ToString("N0"));
        }
        AnsiConsole.Write(summary);

        var shards = new Table().AddColumns("shard", "records", "tail sequence number", $"checkpoint for {options.RegionB}", "commit timestamp", "at tail");
        foreach (var shard in result.ShardResults)
        {
            shards.AddRow(
                shard.ShardId,
                shard.Records.ToString("N0"),
                Abbreviate(shard.TailSequenceNumber),
                Abbreviate(shard.Checkpoint?.SequenceNumber),
                shard.Checkpoint?.CommitTimestamp is { } commit ? CommitTimestamps.Format(commit) : "-",
                shard.CheckpointAtTail ? "[green]yes[/]" : "[red]no[/]");
        }

        AnsiConsole.Write(shards);
        AnsiConsole.MarkupLine(result.Passed ? "[green bold]PASS[/]: every record replicated in per-key order" : "[red bold]FAIL[/]");
    }

    private static string Verdict(int count) => count == 0 ? "[green]0[/]" : $"[red]{count:N0}[/]";

    private static string Abbreviate(string? sequenceNumber) =>
        sequenceNumber is null ? "-" : sequenceNumber.Length <= 16 ? sequenceNumber : $"…{sequenceNumber[^16..]}";
}
