using System.Text.Json.Nodes;
using Replicator.LocalCloud.Iam;
using static Replicator.Tests.Templates.IamSimulator;

namespace Replicator.Tests.Templates;

/// <summary>
/// What the roles of template.yaml, as deployed (conditions taken, intrinsics resolved for a stack in
/// us-east-1 relaying to two regions), may and may not do, each answered by an IAM policy simulator.
/// </summary>
public sealed class IamSimulationTests
{
    private const string Region = "us-east-1";
    private const string Stream = "kds-stream-1";
    private static readonly string[] Targets = TemplateTests.TwoTargets["ReplicationTargetRegions"].Split(',');
    private static readonly CloudFormationTemplate Deployed = DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", TemplateTests.TwoTargets), TemplateTests.TwoTargets);
    private static readonly ConcreteTemplate Stack = new(Deployed, Region, TemplateTests.TwoTargets);

    [Fact]
    public async Task Each_relay_writes_only_its_own_target_regions_stream()
    {
        var questions = new List<(IamQuestion IamQuestion, string Expected)>();
        foreach (var target in Targets)
        {
            var role = RelayRole(target);
            foreach (var region in Targets.Append(Region))
            {
                // Its own target only: not another target's (fan-out isolation), not its own region's (a loop).
                questions.Add((Ask(role, "kinesis:PutRecords", StreamArn(region, Stream)), region == target ? "Allowed" : "ImplicitlyDenied"));
            }

            questions.Add((Ask(role, "kinesis:PutRecords", StreamArn(target, "another-teams-stream")), "ImplicitlyDenied"));
        }

        await AssertDecisionsAsync(questions);
    }

    /// <summary>
    /// The lag monitor compares this region's stream with each target's (issue 16): it may describe the
    /// stream of its own name anywhere, and read, write or describe nothing else of Kinesis.
    /// </summary>
    [Fact]
    public async Task The_lag_monitor_describes_the_stream_in_every_target_and_may_not_write_there()
    {
        var questions = new List<(IamQuestion, string)>();
        foreach (var region in Targets.Append(Region))
        {
            questions.Add((Ask("LagMonitorFunctionRole", "kinesis:DescribeStreamSummary", StreamArn(region, Stream)), "Allowed"));
            questions.Add((Ask("LagMonitorFunctionRole", "kinesis:DescribeStreamSummary", StreamArn(region, "another-teams-stream")), "ImplicitlyDenied"));
            questions.Add((Ask("LagMonitorFunctionRole", "kinesis:PutRecords", StreamArn(region, Stream)), "ImplicitlyDenied"));
        }

        foreach (var target in Targets)
        {
            questions.Add((Ask("LagMonitorFunctionRole", "kinesis:GetRecords", StreamArn(target, Stream)), "ImplicitlyDenied"));
        }

        await AssertDecisionsAsync(questions);
    }

    [Fact]
    public async Task A_relay_encrypts_into_its_target_only_through_that_regions_Kinesis()
    {
        var questions = new List<(IamQuestion, string)>();
        foreach (var target in Targets)
        {
            var peer = new ConcreteTemplate(Deployed, target, TemplateTests.TwoTargets);
            var key = peer.Arn("ReplicatorKey");
            var keyPolicy = peer.Resolve(Deployed.Resources["ReplicatorKey"]!["Properties"]!["KeyPolicy"]);
            var role = RelayRole(target);
            questions.Add((Ask(role, "kms:GenerateDataKey", key) with { ResourcePolicy = keyPolicy, Context = new() { ["kms:ViaService"] = $"kinesis.{target}.amazonaws.com" } }, "Allowed"));
            questions.Add((Ask(role, "kms:GenerateDataKey", key) with { ResourcePolicy = keyPolicy, Context = new() { ["kms:ViaService"] = $"s3.{target}.amazonaws.com" } }, "ImplicitlyDenied"));
            questions.Add((Ask(role, "kms:GenerateDataKey", key) with { ResourcePolicy = keyPolicy }, "ImplicitlyDenied"));
            questions.Add((Ask(role, "kms:Decrypt", key) with { ResourcePolicy = keyPolicy, Context = new() { ["kms:ViaService"] = $"kinesis.{target}.amazonaws.com" } }, "ImplicitlyDenied"));
        }

        await AssertDecisionsAsync(questions);
    }

    [Fact]
    public async Task Every_function_writes_its_own_log_group_and_no_other()
    {
        var functions = Deployed.ResourcesOfType("AWS::Serverless::Function")
            .Select(f => (Role: f.Properties["Role"]!["Fn::GetAtt"]![0]!.ToString(), Group: f.Properties["LoggingConfig"]!["LogGroup"]!["Ref"]!.ToString()))
            .ToList();
        var groups = functions.Select(f => f.Group).Distinct().ToList();
        Assert.True(groups.Count >= 5, "expected the relay, lag monitor, failover, catalog, archive and replay groups");

        var questions = new List<(IamQuestion, string)>();
        foreach (var (role, group) in functions)
        {
            foreach (var other in groups)
            {
                questions.Add((Ask(role, "logs:PutLogEvents", LogStreamArn(other)), other == group ? "Allowed" : "ImplicitlyDenied"));
            }

            questions.Add((Ask(role, "logs:CreateLogGroup", Stack.Arn(group).TrimEnd('*').TrimEnd(':')), "ImplicitlyDenied"));
        }

        await AssertDecisionsAsync(questions);
    }

    /// <summary>
    /// Each function may make exactly the checkpoint-table calls its code makes (issue 14: a relay only
    /// writes its shard's checkpoint item, and, issue 16, reads its parent shards' ones; the lag monitor reads every shard's and raises the stream's
    /// watermark; the failover's drain and verify only read), and none may write the config table.
    /// </summary>
    [Fact]
    public async Task Each_function_makes_only_the_checkpoint_table_calls_its_code_makes()
    {
        var checkpoints = TableArn("kdsReplicationCheckpoint");
        var config = TableArn("kdsActiveRegionConfig");
        string[] calls = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Scan"];
        var allowed = new Dictionary<string, string[]>
        {
            [RelayRole(Targets[0])] = ["dynamodb:UpdateItem", "dynamodb:GetItem"],
            ["LagMonitorFunctionRole"] = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:UpdateItem"],
            ["FailoverDrainFunctionRole"] = ["dynamodb:BatchGetItem"],
            ["FailoverVerifyFunctionRole"] = ["dynamodb:GetItem", "dynamodb:BatchGetItem"],
        };

        var questions = new List<(IamQuestion, string)>();
        foreach (var (role, mayCall) in allowed)
        {
            questions.AddRange(calls.Select(call => (Ask(role, call, checkpoints), mayCall.Contains(call) ? "Allowed" : "ImplicitlyDenied")));
            questions.Add((Ask(role, "dynamodb:UpdateItem", config), "ImplicitlyDenied"));
        }

        await AssertDecisionsAsync(questions);
    }

    /// <summary>
    /// A replay lane reads the archive and the records Firehose sent to the error prefix past its active
    /// partition quota (ArchiveOverflow), and no other error prefix: processing failures are not records to replay.
    /// </summary>
    [Fact]
    public async Task A_replay_lane_reads_the_archive_and_its_overflow_and_no_other_error_prefix()
    {
        var bucket = Stack.Arn("ArchiveBucket");
        var readable = new Dictionary<string, string>
        {
            ["archive/stream=kds-stream-1/hour=2026-12-02-09/"] = "Allowed",
            ["archive-errors/activePartitionExceeded/2026/12/02/"] = "Allowed",
            ["archive-errors/processing-failed/2026/12/02/"] = "ImplicitlyDenied",
        };
        var questions = new List<(IamQuestion, string)>();
        foreach (var (prefix, expected) in readable)
        {
            questions.Add((Ask("ReplayLaneFunctionRole", "s3:ListBucket", bucket) with { Context = new() { ["s3:prefix"] = prefix } }, expected));
            questions.Add((Ask("ReplayLaneFunctionRole", "s3:GetObject", $"{bucket}/{prefix}object.gz"), expected));
        }

        await AssertDecisionsAsync(questions);
    }

    /// <summary>
    /// The claim reaches every region's replica of the config table, but writes only claim items there
    /// (dynamodb:LeadingKeys, DynamoDB developer guide, "Using IAM policy conditions for fine-grained access
    /// control"); the recovery may release claims the same way. Neither may write a stream's config item.
    /// </summary>
    [Fact]
    public async Task The_claim_writes_only_claim_items_in_every_regions_replica_of_the_config_table()
    {
        // The recovery, like the failover machine, is deployed only with a hosted zone to move.
        var parameters = new Dictionary<string, string>(TemplateTests.TwoTargets) { ["FailoverHostedZoneId"] = "Z0EXAMPLE00000000000" };
        var stack = new ConcreteTemplate(DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", parameters), parameters), Region, parameters);
        IamQuestion Ask(string roleId, string action, string resource) => new(stack.RoleArn(roleId), action, resource, stack.RolePolicies(roleId));
        var questions = new List<(IamQuestion, string)>();
        foreach (var region in Targets.Append(Region).Append("ap-southeast-2"))
        {
            var config = $"arn:aws:dynamodb:{region}:{ConcreteTemplate.Account}:table/kdsActiveRegionConfig";
            foreach (var role in new[] { "FailoverClaimFunctionRole", "FailoverRecoverFunctionRole" })
            {
                questions.Add((Ask(role, "dynamodb:UpdateItem", config) with { Context = new() { ["dynamodb:LeadingKeys"] = $"failover-claim#{Stream}#{region}" } }, "Allowed"));
                questions.Add((Ask(role, "dynamodb:UpdateItem", config) with { Context = new() { ["dynamodb:LeadingKeys"] = Stream } }, region == Region && role == "FailoverRecoverFunctionRole" ? "Allowed" : "ImplicitlyDenied"));
                questions.Add((Ask(role, "dynamodb:UpdateItem", config), region == Region && role == "FailoverRecoverFunctionRole" ? "Allowed" : "ImplicitlyDenied"));
                questions.Add((Ask(role, "dynamodb:DeleteItem", config) with { Context = new() { ["dynamodb:LeadingKeys"] = $"failover-claim#{Stream}#{region}" } }, "ImplicitlyDenied"));
            }

            questions.Add((Ask("FailoverClaimFunctionRole", "dynamodb:GetItem", config), "Allowed"));
            questions.Add((Ask("FailoverClaimFunctionRole", "dynamodb:UpdateItem", TableArn("kdsReplicationCheckpoint")) with { Context = new() { ["dynamodb:LeadingKeys"] = "failover-claim#x" } }, "ImplicitlyDenied"));
        }

        await AssertDecisionsAsync(questions);
    }

    /// <summary>The DNS function turns this account's routing controls and nothing else: no record change, no other account's controls.</summary>
    [Fact]
    public async Task The_dns_function_turns_only_this_accounts_routing_controls()
    {
        var control = $"arn:aws:route53-recovery-control::{ConcreteTemplate.Account}:controlpanel/0123456789abcdef/routingcontrol/fedcba9876543210";
        await AssertDecisionsAsync(
        [
            (Ask("FailoverDnsFunctionRole", "route53-recovery-cluster:UpdateRoutingControlStates", control), "Allowed"),
            (Ask("FailoverDnsFunctionRole", "route53-recovery-cluster:UpdateRoutingControlStates", control.Replace(ConcreteTemplate.Account, "444455556666", StringComparison.Ordinal)), "ImplicitlyDenied"),
            (Ask("FailoverDnsFunctionRole", "route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z0EXAMPLE00000000000"), "ImplicitlyDenied"),
        ]);
    }

    private static string TableArn(string table) => $"arn:aws:dynamodb:{Region}:{ConcreteTemplate.Account}:table/{table}";

    /// <summary>
    /// Issue 17: the relay writes its position samples and cannot read them; the failover's consumers function reads
    /// them and cannot write them; no other function touches them.
    /// </summary>
    [Fact]
    public async Task The_relay_writes_position_samples_and_only_the_consumers_function_reads_them()
    {
        var positions = TableArn("kdsReplicationPositions");
        var questions = new List<(IamQuestion, string)>
        {
            (Ask(RelayRole(Targets[0]), "dynamodb:PutItem", positions), "Allowed"),
            (Ask(RelayRole(Targets[0]), "dynamodb:Query", positions), "ImplicitlyDenied"),
            (Ask(RelayRole(Targets[0]), "dynamodb:DeleteItem", positions), "ImplicitlyDenied"),
            (Ask("FailoverConsumersFunctionRole", "dynamodb:Query", positions), "Allowed"),
            (Ask("FailoverConsumersFunctionRole", "dynamodb:PutItem", positions), "ImplicitlyDenied"),
            (Ask("LagMonitorFunctionRole", "dynamodb:Query", positions), "ImplicitlyDenied"),
            (Ask("FailoverVerifyFunctionRole", "dynamodb:Query", positions), "ImplicitlyDenied"),
        };

        await AssertDecisionsAsync(questions);
    }

    /// <summary>
    /// Issue 17: with ConsumerLeaseTablePrefix set, the consumers function reads lease tables of that prefix in the
    /// peer region and creates and writes them here, and touches no other table; with it empty (the default), none.
    /// </summary>
    [Fact]
    public async Task The_consumers_function_reaches_only_lease_tables_of_its_prefix()
    {
        var parameters = new Dictionary<string, string>(TemplateTests.TwoTargets) { ["ConsumerLeaseTablePrefix"] = "kcl-" };
        var withPrefix = new ConcreteTemplate(DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", parameters), parameters), Region, parameters);
        const string Role = "FailoverConsumersFunctionRole";
        var peer = TemplateTests.TwoTargets["TargetStreamReplicationRegion"];
        IamQuestion In(ConcreteTemplate stack, string action, string region, string table) =>
            new(stack.RoleArn(Role), action, $"arn:aws:dynamodb:{region}:{ConcreteTemplate.Account}:table/{table}", stack.RolePolicies(Role));
        var questions = new List<(IamQuestion, string)>
        {
            (In(withPrefix, "dynamodb:Scan", peer, "kcl-orders"), "Allowed"),
            (In(withPrefix, "dynamodb:PutItem", peer, "kcl-orders"), "ImplicitlyDenied"),
            (In(withPrefix, "dynamodb:CreateTable", peer, "kcl-orders"), "ImplicitlyDenied"),
            (In(withPrefix, "dynamodb:CreateTable", Region, "kcl-orders"), "Allowed"),
            (In(withPrefix, "dynamodb:PutItem", Region, "kcl-orders"), "Allowed"),
            (In(withPrefix, "dynamodb:DeleteTable", Region, "kcl-orders"), "ImplicitlyDenied"),
            (In(withPrefix, "dynamodb:UpdateItem", Region, "kcl-orders"), "ImplicitlyDenied"),
            (In(withPrefix, "dynamodb:Scan", peer, "orders"), "ImplicitlyDenied"),
            (In(withPrefix, "dynamodb:PutItem", Region, "kdsActiveRegionConfig"), "ImplicitlyDenied"),
            (In(withPrefix, "dynamodb:Scan", Targets[1], "kcl-orders"), "ImplicitlyDenied"),
            (In(Stack, "dynamodb:Scan", peer, "kcl-orders"), "ImplicitlyDenied"),
            (In(Stack, "dynamodb:PutItem", Region, "kcl-orders"), "ImplicitlyDenied"),
        };

        await AssertDecisionsAsync(questions);
    }

    /// <summary>
    /// Issue 20: the archive's replication role reads and decrypts exactly the archive's objects (through S3 here),
    /// replicates into and encrypts for exactly the replica (through S3 in the peer region, the key by its alias
    /// there), and nothing else: no other bucket, prefix, key, or action.
    /// </summary>
    [Fact]
    public async Task The_archive_replication_role_moves_exactly_the_archive_into_exactly_the_replica()
    {
        var parameters = new Dictionary<string, string>(TemplateTests.TwoTargets) { ["ArchiveReplication"] = "true" };
        var deployed = DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", parameters), parameters);
        var stack = new ConcreteTemplate(deployed, Region, parameters);
        var peer = TemplateTests.TwoTargets["TargetStreamReplicationRegion"];
        var peerStack = new ConcreteTemplate(deployed, peer, parameters);
        var archive = $"arn:aws:s3:::kinesis-replicator-archive-{ConcreteTemplate.Account}-{Region}";
        var replica = $"arn:aws:s3:::kinesis-replicator-archive-replica-{ConcreteTemplate.Account}-{peer}";
        var (sourceKey, peerKey) = (stack.Arn("ReplicatorKey"), peerStack.Arn("ReplicatorKey"));
        // KMS decides with the key's policy too: each region's ReplicatorKey policy, as its stack deploys it.
        var keyPolicies = new Dictionary<string, JsonNode?>
        {
            [sourceKey] = stack.Resolve(deployed.Resources["ReplicatorKey"]!["Properties"]!["KeyPolicy"]),
            [peerKey] = peerStack.Resolve(deployed.Resources["ReplicatorKey"]!["Properties"]!["KeyPolicy"]),
        };
        IamQuestion As(string action, string resource, Dictionary<string, string>? context = null) =>
            new(stack.RoleArn("ArchiveReplicationRole"), action, resource, stack.RolePolicies("ArchiveReplicationRole"))
            {
                Context = context ?? [],
                ResourcePolicy = keyPolicies.GetValueOrDefault(resource),
            };
        Dictionary<string, string> ViaS3(string region, string? alias = null)
        {
            var context = new Dictionary<string, string> { ["kms:ViaService"] = $"s3.{region}.amazonaws.com" };
            if (alias is not null)
            {
                context["kms:ResourceAliases"] = alias;
            }

            return context;
        }

        var overflow = Replicator.Replay.ArchiveOverflow.Prefix;
        var questions = new List<(IamQuestion, string)>
        {
            (As("s3:GetReplicationConfiguration", archive), "Allowed"),
            (As("s3:GetObjectVersionForReplication", $"{archive}/archive/stream=kds-stream-1/part-0"), "Allowed"),
            (As("s3:GetObjectVersionForReplication", $"{archive}/{overflow}part-0"), "Allowed"),
            (As("s3:GetObjectVersionForReplication", $"{archive}/archive-errors/processing-failed/part-0"), "ImplicitlyDenied"),
            (As("s3:GetObjectVersionForReplication", "arn:aws:s3:::another-teams-bucket/archive/part-0"), "ImplicitlyDenied"),
            (As("s3:GetObject", $"{archive}/archive/part-0"), "ImplicitlyDenied"),
            (As("s3:ReplicateObject", $"{replica}/archive/part-0"), "Allowed"),
            (As("s3:ReplicateObject", $"{replica}/{overflow}part-0"), "Allowed"),
            (As("s3:ReplicateObject", $"{archive}/archive/part-0"), "ImplicitlyDenied"),
            (As("s3:ReplicateObject", "arn:aws:s3:::another-teams-bucket/archive/part-0"), "ImplicitlyDenied"),
            (As("s3:ReplicateDelete", $"{replica}/archive/part-0"), "ImplicitlyDenied"),
            (As("s3:PutObject", $"{replica}/archive/part-0"), "ImplicitlyDenied"),
            (As("kms:Decrypt", sourceKey, ViaS3(Region)), "Allowed"),
            (As("kms:Decrypt", sourceKey, ViaS3(peer)), "ImplicitlyDenied"),
            (As("kms:Decrypt", sourceKey), "ImplicitlyDenied"),
            (As("kms:Encrypt", sourceKey, ViaS3(Region)), "ImplicitlyDenied"),
            (As("kms:Encrypt", peerKey, ViaS3(peer, alias: $"alias/kinesis-replicator-{peer}")), "Allowed"),
            (As("kms:Encrypt", peerKey, ViaS3(peer, alias: "alias/another-teams-key")), "ImplicitlyDenied"),
            (As("kms:Encrypt", peerKey, ViaS3(Region, alias: $"alias/kinesis-replicator-{peer}")), "ImplicitlyDenied"),
            (As("kms:Decrypt", peerKey, ViaS3(peer, alias: $"alias/kinesis-replicator-{peer}")), "ImplicitlyDenied"),
        };

        await AssertDecisionsAsync(questions);
    }

    /// <summary>Issue 20: the secondary's forwarding role may put events on the primary's default bus, and on no other bus.</summary>
    [Fact]
    public async Task The_replicas_alarm_forwarding_role_puts_events_only_on_the_primarys_default_bus()
    {
        var parameters = new Dictionary<string, string> { ["RegionRole"] = "secondary", ["TargetStreamReplicationRegion"] = Region, ["ReplicationTargetRegions"] = Region, ["ArchiveReplication"] = "true" };
        var stack = new ConcreteTemplate(DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", parameters), parameters), "us-east-2", parameters);
        IamQuestion Put(string bus) => new(stack.RoleArn("ArchiveReplicaAlarmForwardingRole"), "events:PutEvents", bus, stack.RolePolicies("ArchiveReplicaAlarmForwardingRole"));
        var questions = new List<(IamQuestion, string)>
        {
            (Put($"arn:aws:events:{Region}:{ConcreteTemplate.Account}:event-bus/default"), "Allowed"),
            (Put($"arn:aws:events:us-east-2:{ConcreteTemplate.Account}:event-bus/default"), "ImplicitlyDenied"),
            (Put($"arn:aws:events:{Region}:{ConcreteTemplate.Account}:event-bus/another-teams-bus"), "ImplicitlyDenied"),
        };

        await AssertDecisionsAsync(questions);
    }

    private static string RelayRole(string target) => $"RelayRoleTo{target.Replace("-", "", StringComparison.Ordinal)}";

    private static string StreamArn(string region, string name) => $"arn:aws:kinesis:{region}:{ConcreteTemplate.Account}:stream/{name}";

    private static string LogStreamArn(string group) => $"{Stack.Arn(group)[..^2]}:log-stream:2026/12/02/[$LATEST]0123456789abcdef";

    private static IamQuestion Ask(string roleId, string action, string resource) => new(Stack.RoleArn(roleId), action, resource, Stack.RolePolicies(roleId));
}
