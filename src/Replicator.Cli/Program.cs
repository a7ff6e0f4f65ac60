using System.CommandLine;
using Replicator.Cli.Demo;

var root = new RootCommand("replicator: cross-region replication for Kinesis Data Streams, operated from the command line.")
{
    DemoCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
