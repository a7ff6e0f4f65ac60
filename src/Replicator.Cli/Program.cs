using System.CommandLine;
using Replicator.Cli.Catalog;
using Replicator.Cli.Demo;
using Replicator.Cli.Drills;
using Replicator.Cli.Failover;
using Replicator.Cli.Replay;
using Replicator.Cli.Status;

if (Console.IsOutputRedirected)
{
    // Keep tables readable when the output goes to a file or a CI log.
    Spectre.Console.AnsiConsole.Profile.Width = 160;
}

var root = new RootCommand("replicator: cross-region replication for Kinesis Data Streams, operated from the command line.")
{
    DemoCommand.Create(),
    CatalogSyncCommand.Create(),
    DrillCommand.Create(),
    FailoverCommand.Create(failback: false),
    FailoverCommand.Create(failback: true),
    ReplayCommand.Create(),
    StatusCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
