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

    /// <summary>
    /// Seed 003's bucket errors, with ArchiveRequestMetrics: more than 10 refused (4xx) or failed (5xx)
    /// requests in 5 minutes, on the archive in each stack and on the replica in the secondary, raise
    /// infrastructure health; without the parameter the alarms do not exist and the tier stays quiet.
    /// </summary>
    [Fact]
    public void Bucket_errors_raise_infrastructure_health_where_request_metrics_are_on()
    {
        var primary = new Dictionary<string, string>(ArchiveReplicaTests.Primary) { ["ArchiveRequestMetrics"] = "true" };
        var secondary = new Dictionary<string, string>(ArchiveReplicaTests.Secondary) { ["ArchiveRequestMetrics"] = "true" };

        var ten = Evaluate(primary, Primary, Errors(Archive, "4xxErrors", 10));
        var eleven = Evaluate(primary, Primary, Errors(Archive, "4xxErrors", 11));
        var failing = Evaluate(primary, Primary, Errors(Archive, "5xxErrors", 40));
        var replica = Evaluate(secondary, Secondary, Errors(Replica, "4xxErrors", 11));
        var off = Evaluate(ArchiveReplicaTests.Primary, Primary, Errors(Archive, "4xxErrors", 500));

        Assert.Equal((State.Ok, State.Ok), (ten["ArchiveBucket4xxErrorsAlarm"], ten["InfrastructureHealthCompositeAlarmTouseast2"]));
        Assert.Equal((State.Alarm, State.Alarm), (eleven["ArchiveBucket4xxErrorsAlarm"], eleven["InfrastructureHealthCompositeAlarmTouseast2"]));
        Assert.Equal(State.Ok, eleven["SystemHealthCompositeAlarmTouseast2"]);
        Assert.Equal((State.Alarm, State.Alarm), (failing["ArchiveBucket5xxErrorsAlarm"], failing["InfrastructureHealthCompositeAlarmTouseast2"]));
        Assert.Equal((State.Alarm, State.Ok), (replica["ArchiveReplicaBucket4xxErrorsAlarm"], replica["ArchiveBucket4xxErrorsAlarm"]));
        Assert.Equal(State.Alarm, replica["InfrastructureHealthCompositeAlarmTouseast1"]);
        Assert.DoesNotContain("ArchiveBucket4xxErrorsAlarm", off.Keys);
        Assert.Equal(State.Ok, off["InfrastructureHealthCompositeAlarmTouseast2"]);
    }

    /// <summary>
    /// KMS throttling from the account's usage metrics: a minute's symmetric calls over 80% of 60 times the
    /// per-second quota, in 3 of 5 minutes, raises infrastructure health in any stack.
    /// </summary>
    [Theory]
    [InlineData(3, State.Alarm)]
    [InlineData(2, State.Ok)]
    public void KMS_calls_near_the_request_quota_raise_infrastructure_health(int minutesNearQuota, State expected)
    {
        var metrics = new MetricSeries();
        for (var period = 0; period < Periods; period++)
        {
            // 9,000 a second against a quota of 10,000: 90%.
            metrics.Add("AWS/Usage", "CallCount", KmsUsage, period, period >= Periods - minutesNearQuota ? 540_000 : 60_000);
        }

        var states = Evaluate(ArchiveReplicaTests.Primary, Primary, metrics);

        Assert.Equal((expected, expected), (states["KmsRequestRateAlarm"], states["InfrastructureHealthCompositeAlarmTouseast2"]));
    }

    /// <summary>Request metrics exist only for the filter the bucket configures: the alarms' FilterId must be the bucket's MetricsConfigurations Id.</summary>
    [Fact]
    public void The_error_alarms_watch_the_request_metrics_filter_each_bucket_configures_and_only_with_the_parameter()
    {
        foreach (var (parameters, bucket, alarm) in new[]
        {
            (ArchiveReplicaTests.Primary, "ArchiveBucket", "ArchiveBucket4xxErrorsAlarm"),
            (ArchiveReplicaTests.Secondary, "ArchiveReplicaBucket", "ArchiveReplicaBucket5xxErrorsAlarm"),
        })
        {
            var on = ArchiveReplicaTests.Deployed(new Dictionary<string, string>(parameters) { ["ArchiveRequestMetrics"] = "true" });
            var off = ArchiveReplicaTests.Deployed(parameters);

            var filters = on.Resources[bucket]!["Properties"]!["MetricsConfigurations"]!.AsArray().Select(c => c!["Id"]!.ToString());
            var watched = on.Resources[alarm]!["Properties"]!["Dimensions"]!.AsArray().Single(d => d!["Name"]!.ToString() == "FilterId")!["Value"]!.ToString();
            Assert.Equal([watched], filters);
            Assert.Null(off.Resources[bucket]!["Properties"]!["MetricsConfigurations"]);
            Assert.Null(off.Resources[alarm]);
        }
    }

    private static MetricSeries Errors(string bucket, string metric, double lastPeriod)
    {
        var metrics = new MetricSeries();
        for (var period = 0; period < Periods; period++)
        {
            metrics.Add(Ns, metric, [("BucketName", bucket), ("FilterId", "EntireBucket")], period, period == Periods - 1 ? lastPeriod : 0);
        }

        return metrics;
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
            .Where(a => !a.LogicalId.StartsWith("Archive", StringComparison.Ordinal) && a.Properties["Metrics"] is null)
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

        // The KMS quota alarm's usage metric: a test that sets no calls leaves it without data (quiet); the quota is the default in most regions.
        metrics.AddQuota("AWS/Usage", "CallCount", KmsUsage, 10_000);

        return new AlarmEvaluator(template, parameters, concrete).Evaluate(metrics);
    }

    /// <summary>AWS/Usage's dimensions for KMS's symmetric cryptographic operations (KMS developer guide, "Request quotas").</summary>
    private static readonly (string, string)[] KmsUsage = [("Service", "KMS"), ("Type", "API"), ("Resource", "CryptographicOperationsSymmetric"), ("Class", "None")];

    /// <summary>S3's replication dimensions (S3 user guide, "S3 Replication dimensions").</summary>
    private static (string, string)[] Dimensions(string rule) => [("SourceBucket", Archive), ("DestinationBucket", Replica), ("RuleId", rule)];
}
