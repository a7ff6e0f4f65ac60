using System.CommandLine;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Spectre.Console;

namespace Replicator.Cli.Demo;

/// <summary><c>replicator demo</c>: the foundation scenario on the local two-region cloud, with a live display.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var defaults = new DemoOptions();
        var records = new Option<int>("--records") { Description = "CDC records to produce into region A", DefaultValueFactory = _ => defaults.Records };
        var keys = new Option<int>("--keys") { Description = "distinct partition keys", DefaultValueFactory = _ => defaults.Keys };
        var shards = new Option<int>("--shards") { Description = "shards of the stream in each region", DefaultValueFactory = _ => defaults.Shards };
        var batchSize = new Option<int>("--batch-size") { Description = "event source mapping batch size", DefaultValueFactory = _ => defaults.BatchSize };
        var command = new Command("demo", "Start a local two-region cloud, replicate CDC records from region A to B through the relay, and check every record.")
        {
            records, keys, shards, batchSize,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            defaults with
            {
                Records = parse.GetValue(records),
                Keys = parse.GetValue(keys),
                Shards = parse.GetValue(shards),
                BatchSize = parse.GetValue(batchSize),
            },
            result => result.DemoFiguresJson(),
            cancellationToken));
        return command;
    }

    /// <summary>Runs the scenario with a live display, prints the report, and ends with <paramref name="figures"/>' line.</summary>
    public static async Task<int> RunAsync(DemoOptions options, Func<DemoResult, string> figures, CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine($"[bold]Starting the local two-region cloud[/] ({options.RegionA} → {options.RegionB})");
        await using var cloud = await TwoRegionCloud.StartAsync([options.RegionA, options.RegionB], cancellationToken);
        AnsiConsole.MarkupLine($"Emulator logs and relay logs: [grey]{Markup.Escape(cloud.RunDirectory)}[/]");
        await using var functionLog = new StreamWriter(Path.Combine(cloud.RunDirectory, "relay-functions.log")) { AutoFlush = true };
        var demo = new ReplicationDemo(cloud, options, TextWriter.Synchronized(functionLog));

        var result = await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async display =>
            {
                var produced = display.AddTask("produced into A", maxValue: options.Records);
                var relayed = display.AddTask("durable in B (A's relay)", maxValue: options.Records);
                var gated = display.AddTask("consumed by B's relay, gated off", maxValue: options.Records);
                var progress = new Progress<DemoProgress>(p =>
                {
                    produced.Value = p.Produced;
                    relayed.Value = p.RelayedFromA;
                    gated.Value = p.ConsumedInB;
                    relayed.Description = p.FailedInvocations == 0 ? "durable in B (A's relay)" : $"durable in B (A's relay, {p.FailedInvocations} retried batches)";
                });
                return await demo.RunAsync(progress, cancellationToken);
            });

        DemoReport.Write(result, options);
        // The figures line goes to stdout unformatted, so scripts can take the last line.
        Console.Out.WriteLine(figures(result));
        return result.Passed ? 0 : 1;
    }
}
