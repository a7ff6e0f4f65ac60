using System.CommandLine;
using Replicator.Cli.Demo;
using Replicator.Cli.Drills;
using Replicator.Cli.Status;

var root = new RootCommand("replicator: cross-region replication for Kinesis Data Streams, operated from the command line.")
{
    DemoCommand.Create(),
    DrillCommand.Create(),
    StatusCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
