using System.CommandLine;
using System.CommandLine.Help;
using Replicator.Cli.Catalog;
using Replicator.Cli.Demo;
using Replicator.Cli.Drills;
using Replicator.Cli.Failover;
using Replicator.Cli.Replay;
using Replicator.Cli.Status;

namespace Replicator.Cli;

/// <summary>
/// The <c>replicator</c> command line. Its root is a named Command, not a RootCommand: a RootCommand is
/// named after the executable, which is Replicator.Cli under <c>dotnet run</c> and as the installed tool
/// alike, so help would show a command nobody types. The help and version options are RootCommand's own;
/// the <c>[suggest]</c> and <c>[diagram]</c> directives, which only a RootCommand has, are given up.
/// </summary>
public static class ReplicatorCommand
{
    /// <summary>What operators type: the .NET tool's command name (ToolCommandName in the project).</summary>
    public const string Name = "replicator";

    public static Command Create() => new(Name, "replicator: cross-region replication for Kinesis Data Streams, operated from the command line.")
    {
        new HelpOption(),
        new VersionOption(),
        DemoCommand.Create(),
        CatalogSyncCommand.Create(),
        DrillCommand.Create(),
        FailoverCommand.Create(failback: false),
        FailoverCommand.Create(failback: true),
        ReplayCommand.Create(),
        StatusCommand.Create(),
        Consumers.ConsumersCommand.Create(),
    };
}
