using System.CommandLine;
using Replicator.Cli.Demo;
using Replicator.Cli.Drills;

var root = new RootCommand("replicator: cross-region replication for Kinesis Data Streams, operated from the command line.")
{
    DemoCommand.Create(),
    DrillCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
