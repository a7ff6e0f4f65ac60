using System.CommandLine;
using Replicator.Cli.Demo;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Faults;
using Replicator.Relay;

namespace Replicator.Cli.Drills;

/// <summary><c>replicator drill &lt;name&gt;</c>: prove a property end to end on the local cloud.</summary>
public static class DrillCommand
{
    public static Command Create() => new("drill", "Prove a property end to end on the local two-region cloud.")
    {
        Chaos(),
        FailoverDrillCommand.Planned(),
        FailoverDrillCommand.Forced(),
        FailoverDrillCommand.FanOut(),
        FailoverDrillCommand.Concurrent(),
        CatalogDrillCommand.Create(),
        ReplayDrillCommand.Create(),
        MigrateDrillCommand.Create(),
        ReshardDrillCommand.Create(),
        ConsumersDrillCommand.Create(),
        TenantDrillCommand.Create(),
    };

    private static Command Chaos()
    {
        var records = new Option<int>("--records") { Description = "CDC records to produce", DefaultValueFactory = _ => 100_000 };
        var keys = new Option<int>("--keys") { Description = "distinct keys, Zipf-skewed", DefaultValueFactory = _ => 1_000 };
        var ordering = new Option<RelayOrdering>("--ordering")
        {
            Description = "Strict (each key's first copies in order), Packed (each key's last copies in order) or Aggregated (strict, a key's runs as KPL aggregates, split before the check); the check holds the target to it",
            DefaultValueFactory = _ => RelayOrdering.Strict,
        };
        var command = new Command(
            "chaos",
            "Replicate under injected faults (10 % of records failed, 5 % of requests throttled, 1 % of invocations crashing after their PutRecords landed, " +
            "1 % stalling until killed at the relay's 10 s timeout) on the strict local cloud, and check every record.")
        {
            records, keys, ordering,
        };
        command.SetAction((parse, cancellationToken) => DemoCommand.RunAsync(
            new DemoOptions
            {
                StreamName = "chaos-stream",
                Records = parse.GetValue(records),
                Keys = parse.GetValue(keys),
                ZipfExponent = 1.1,
                Ordering = parse.GetValue(ordering),
                Faults = FaultPlan.Chaos,
                RelayTimeout = TimeSpan.FromSeconds(10),
                Timeout = TimeSpan.FromMinutes(10),
            },
            result => result.ChaosFiguresJson(),
            cancellationToken));
        return command;
    }
}
