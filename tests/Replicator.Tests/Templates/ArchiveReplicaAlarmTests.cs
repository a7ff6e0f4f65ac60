using static Replicator.Tests.Templates.AlarmEvaluator;

namespace Replicator.Tests.Templates;

/// <summary>
/// Issue 20: the archive replica's alarms, each evaluated as CloudWatch would against the S3 replication
/// metrics S3 publishes in that stack's region (failures in the primary's, latency and pending in the
/// secondary's): quiet while replication keeps up, into the tiers when it fails or falls behind.
/// </summary>
public sealed class ArchiveReplicaAlarmTests
{
    private const string Primary = ArchiveReplicaTests.PrimaryRegion;
    private const string Secondary = ArchiveReplicaTests.SecondaryRegion;
    private const string Ns = "AWS/S3";
    private const int Periods = 6;

    private static readonly string Archive = $"kinesis-replicator-archive-{ConcreteTemplate.Account}-{Primary}";
    private static readonly string Replica = $"kinesis-replicator-archive-replica-{ConcreteTemplate.Account}-{Secondary}";

    [Fact]
    public void Replication_that_keeps_up_raises_nothing_in_either_region()
    {
        var primary = EvaluatePrimary(failures: 0);
        var secondary = EvaluateSecondary(latencySeconds: 40, operationsPending: 12, bytesPending: 5e6);

        Assert.All(new[] { "ArchiveReplicationFailedAlarm", "ArchiveOverflowReplicationFailedAlarm" }, id => Assert.Equal(State.Ok, primary[id]));
        Assert.All(new[] { "ArchiveReplicationLatencyWarningAlarm", "ArchiveReplicationLatencyCriticalAlarm", "ArchiveOperationsPendingAlarm", "ArchiveBytesPendingAlarm" }, id => Assert.Equal(State.Ok, secondary[id]));
        Assert.Empty(secondary.Concat(primary).Where(s => s.Value != State.Ok).Select(s => $"{s.Key}: {s.Value}"));
    }

    [Fact]
    public void Failed_replication_in_two_periods_reaches_the_primarys_critical_tier()
    {
        var once = EvaluatePrimary(failures: 3, periodsFailing: 1);
        var twice = EvaluatePrimary(failures: 3, periodsFailing: 2);

        Assert.Equal(State.Ok, once["ArchiveReplicationFailedAlarm"]);
        Assert.Equal(State.Alarm, twice["ArchiveReplicationFailedAlarm"]);
        Assert.Equal(State.Alarm, twice["SystemHealthCompositeAlarmTouseast2"]);
    }

    [Fact]
    public void A_replica_half_an_hour_behind_warns_an_hour_behind_with_a_backlog_escalates_to_management()
    {
        var warning = EvaluateSecondary(latencySeconds: 2_400, operationsPending: 12, bytesPending: 5e6);
        var critical = EvaluateSecondary(latencySeconds: 4_000, operationsPending: 500, bytesPending: 3e9);

        Assert.Equal((State.Alarm, State.Ok), (warning["ArchiveReplicationLatencyWarningAlarm"], warning["ArchiveReplicationLatencyCriticalAlarm"]));
        Assert.Equal((State.Alarm, State.Ok), (warning["InfrastructureHealthCompositeAlarmTouseast1"], warning["SystemHealthCompositeAlarmTouseast1"]));
        Assert.Equal(State.Alarm, critical["ArchiveReplicationLatencyCriticalAlarm"]);
        Assert.Equal(State.Alarm, critical["ArchiveOperationsPendingAlarm"]);
        Assert.Equal(State.Alarm, critical["ArchiveBytesPendingAlarm"]);
        Assert.Equal(State.Alarm, critical["SystemHealthCompositeAlarmTouseast1"]);
        Assert.Equal(State.Alarm, critical["EscalationCompositeAlarmTouseast1"]);
    }

    private static IReadOnlyDictionary<string, State> EvaluatePrimary(double failures, int periodsFailing = Periods)
    {
        var metrics = new MetricSeries();
        for (var period = 0; period < Periods; period++)
        {
            foreach (var rule in new[] { "ArchiveToPeerRegion", "ArchiveOverflowToPeerRegion" })
            {
                metrics.Add(Ns, "OperationsFailedReplication", Dimensions(rule), period, period >= Periods - periodsFailing ? failures : 0);
            }
        }

        return Evaluate(ArchiveReplicaTests.Primary, Primary, metrics);
    }

    private static IReadOnlyDictionary<string, State> EvaluateSecondary(double latencySeconds, double operationsPending, double bytesPending)
    {
        var metrics = new MetricSeries();
        for (var period = 0; period < Periods; period++)
        {
            metrics.Add(Ns, "ReplicationLatency", Dimensions("ArchiveToPeerRegion"), period, latencySeconds);
            metrics.Add(Ns, "OperationsPendingReplication", Dimensions("ArchiveToPeerRegion"), period, operationsPending);
            metrics.Add(Ns, "BytesPendingReplication", Dimensions("ArchiveToPeerRegion"), period, bytesPending);
        }

        return Evaluate(ArchiveReplicaTests.Secondary, Secondary, metrics);
    }

    /// <summary>
    /// Every other alarm of the stack is given a value on its healthy side each period (the relay keeping up), so the
    /// composites' states are the archive alarms' doing.
    /// </summary>
    private static IReadOnlyDictionary<string, State> Evaluate(Dictionary<string, string> parameters, string region, MetricSeries metrics)
    {
        var template = ArchiveReplicaTests.Deployed(parameters);
        var concrete = new ConcreteTemplate(template, region, parameters);
        // Alarms on one metric (a warning and a critical) share its series: one value below every threshold.
        var others = template.ResourcesOfType("AWS::CloudWatch::Alarm")
            .Where(a => !a.LogicalId.StartsWith("Archive", StringComparison.Ordinal))
            .Select(a => (
                Namespace: a.Properties["Namespace"]!.ToString(),
                Name: a.Properties["MetricName"]!.ToString(),
                Dimensions: (a.Properties["Dimensions"] as System.Text.Json.Nodes.JsonArray ?? []).Select(d => (d!["Name"]!.ToString(), concrete.Resolve(d["Value"])!.ToString())).ToArray(),
                Above: a.Properties["ComparisonOperator"]!.ToString().StartsWith("Greater", StringComparison.Ordinal),
                Threshold: double.Parse(a.Properties["Threshold"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture)))
            .GroupBy(a => $"{a.Namespace}|{a.Name}|{string.Join(",", a.Dimensions)}");
        foreach (var metric in others)
        {
            var first = metric.First();
            var healthy = first.Above ? metric.Min(a => a.Threshold) - 1 : metric.Max(a => a.Threshold) + 1;
            for (var period = 0; period < Periods; period++)
            {
                metrics.Add(first.Namespace, first.Name, first.Dimensions, period, healthy);
            }
        }

        return new AlarmEvaluator(template, parameters, concrete).Evaluate(metrics);
    }

    /// <summary>S3's replication dimensions (S3 user guide, "S3 Replication dimensions").</summary>
    private static (string, string)[] Dimensions(string rule) => [("SourceBucket", Archive), ("DestinationBucket", Replica), ("RuleId", rule)];
}
