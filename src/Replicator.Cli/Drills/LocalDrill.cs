using Replicator.LocalCloud.Emulators;
using Spectre.Console;

namespace Replicator.Cli.Drills;

/// <summary>What every drill does around its scenario: start the local two-region cloud, keep the functions' log in its run folder, print progress with the time.</summary>
public static class LocalDrill
{
    /// <param name="drill">Runs on the started cloud with the functions' log and a progress printer; returns the exit code.</param>
    /// <param name="regions">The cloud's regions; null for the default two.</param>
    /// <param name="replicationLag">With a lag: DynamoDB as global tables, a replica per region (the failover drills); without: one DynamoDB shared by the regions.</param>
    public static async Task<int> RunAsync(
        string logFile,
        Func<TwoRegionCloud, TextWriter, Action<string>, CancellationToken, Task<int>> drill,
        CancellationToken cancellationToken,
        IReadOnlyList<string>? regions = null,
        TimeSpan? replicationLag = null)
    {
        AnsiConsole.MarkupLine($"[bold]Starting the local cloud of {regions?.Count ?? 2} regions[/]{(replicationLag is { } lag ? $" (global tables, {lag.TotalSeconds} s replication lag)" : "")}");
        await using var cloud = await TwoRegionCloud.StartAsync(regions, cancellationToken, replicationLag: replicationLag);
        AnsiConsole.MarkupLine($"Emulator and function logs: [grey]{Markup.Escape(cloud.RunDirectory)}[/]");
        await using var functionLog = new StreamWriter(Path.Combine(cloud.RunDirectory, logFile)) { AutoFlush = true };
        return await drill(cloud, TextWriter.Synchronized(functionLog), Progress, cancellationToken);
    }

    /// <summary>A count as the drills' tables show it: 12,345.</summary>
    public static string Count(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private static void Progress(string step) => AnsiConsole.MarkupLineInterpolated($"[grey]{DateTimeOffset.UtcNow:HH:mm:ss}[/] {step}");
}
