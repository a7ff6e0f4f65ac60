using Xunit.Abstractions;
using Replicator.LocalCloud.Failover;

namespace Replicator.Tests.LocalCloud;

/// <summary>The failover state machine on the local cloud, under load, checked record by record against the producer's log.</summary>
[Collection(DrillCloudCollection.Name)]
public sealed class FailoverDrillTests(LocalCloudFixture fixture, ITestOutputHelper output)
{
    /// <summary>On a cloud of its own whose DynamoDB runs as global tables with 1 s replication lag, as the drill runs by default.</summary>
    [Fact]
    public async Task Planned_failover_and_failback_under_load_lose_nothing_keep_order_and_loop_nothing()
    {
        await using var cloud = await Replicator.LocalCloud.Emulators.TwoRegionCloud.StartAsync(replicationLag: Replicator.LocalCloud.Emulators.TwoRegionCloud.DefaultReplicationLag);
        using var log = new StringWriter();
        var result = await PlannedFailoverDrill.RunAsync(cloud, TextWriter.Synchronized(log), null, CancellationToken.None);
        output.WriteLine(result.FiguresJson());
        output.WriteLine($"failover: {result.Failover.Execution.Error} {result.Failover.Execution.Cause}; states {string.Join(" → ", result.Failover.Execution.StatesEntered)}");
        output.WriteLine($"failback: {result.Failback.Execution.Error} {result.Failback.Execution.Cause}");

        Assert.True(result.Failover.Execution.IsSuccess, result.Failover.Execution.Cause);
        Assert.True(result.Failback.Execution.IsSuccess, result.Failback.Execution.Cause);
        Assert.True(result.Failover.Acknowledged > 0 && result.Failback.Acknowledged > result.Failover.Acknowledged && result.Acknowledged > result.Failback.Acknowledged,
            "the producer kept writing through both moves");
        Assert.Equal((0, 0), (result.Failover.Lost, result.Failover.OrderViolations));
        Assert.Equal((0, 0), (result.Failback.Lost, result.Failback.OrderViolations));
        Assert.Equal(0, result.Looped);
        Assert.Equal(FailoverDrill.ValueOf(fixture.RegionB), result.Failover.Dns);
        Assert.Equal(FailoverDrill.ValueOf(fixture.RegionA), result.Failback.Dns);
        Assert.Equal(0, result.Failover.Figure("rpoRecords"));
        Assert.False((bool?)result.Failover.Execution.Output!["producersMustResend"], "a planned failover drains everything: nothing to re-produce");
        Assert.True(result.Failover.Figure("rtoSeconds") > 0);
        Assert.Equal(2, result.Notifications);
    }

    [Fact]
    public async Task Failover_to_the_region_already_active_is_a_no_op_that_writes_nothing()
    {
        await using var drill = await StartDrillAsync("noop", startRelay: true);
        var before = await ConfigAsync(drill.StreamName);

        // The sample event, failing back to where the stream already is.
        var sample = System.Text.Json.JsonSerializer.Deserialize(
            File.ReadAllBytes(Path.Combine(Replicator.LocalCloud.RepositoryLayout.Root(), "events", "failover.json")), Replicator.Failover.FailoverJsonContext.Default.FailoverInput)!;
        var input = sample.Swapped() with { StreamName = drill.StreamName, Dns = sample.Dns with { HostedZoneId = drill.Input(fixture.RegionA, fixture.RegionB, false, TimeSpan.Zero).Dns.HostedZoneId } };

        var result = await drill.Failover.RunAsync(input, null, CancellationToken.None);

        Assert.Equal((fixture.RegionB, fixture.RegionA), (input.FromRegion, input.ToRegion));
        Assert.True(result.IsSuccess, result.Cause);
        Assert.Equal("already-active", (string?)result.Output!["outcome"]);
        Assert.DoesNotContain(result.StatesEntered, s => s.StartsWith("MarkDraining", StringComparison.Ordinal) || s == "StopIngress");
        Assert.Equal(before, await ConfigAsync(drill.StreamName));
        Assert.Equal(FailoverDrill.ValueOf(fixture.RegionA), drill.Resolve());
    }

    [Fact]
    public async Task Of_two_concurrent_failovers_exactly_one_wins_and_the_other_names_the_one_holding_the_claim()
    {
        await using var drill = await StartDrillAsync("race", startRelay: true);
        var input = drill.Input(fixture.RegionA, fixture.RegionB, force: false, TimeSpan.FromSeconds(30));

        var results = await Task.WhenAll(
            drill.Failover.RunAsync(input, null, CancellationToken.None),
            drill.Failover.RunAsync(input, null, CancellationToken.None));

        var winner = Assert.Single(results, r => r.IsSuccess);
        var loser = Assert.Single(results, r => !r.IsSuccess);
        Assert.Equal("failed-over", (string?)winner.Output!["outcome"]);
        Assert.Equal("FailoverConflict", loser.Error);
        Assert.Contains($"holds its claim in {fixture.RegionA}'s replica", loser.Cause, StringComparison.Ordinal);
        Assert.DoesNotContain(loser.StatesEntered, s => s == "ReadConfig");
        var config = await ConfigAsync(drill.StreamName);
        // Versions: draining 1, fenced 2, active in B 3: the loser wrote none.
        Assert.Equal((fixture.RegionB, "active", "3"), (config["activeRegion"], config["state"], config["version"]));
        Assert.Equal(FailoverDrill.ValueOf(fixture.RegionB), drill.Resolve());
    }

    /// <summary>
    /// With Route 53's control plane down (it runs in us-east-1), a planned failover cannot stop ingress, so
    /// it cannot drain: it puts the config back and fails. A forced one goes on without stopping ingress,
    /// flips, and completes reporting DNS not moved (issue 15, item 5), where it used to abort.
    /// </summary>
    [Fact]
    public async Task Without_the_route53_control_plane_a_planned_failover_restores_and_a_forced_one_completes_with_dns_not_moved()
    {
        await using var planned = await StartDrillAsync("nor53planned", startRelay: true);
        await using var forced = await StartDrillAsync("nor53forced", startRelay: true);
        planned.StopRoute53ControlPlane();
        forced.StopRoute53ControlPlane();

        // At once: each waits out Route 53's retries (a minute or so of backoff).
        var both = await Task.WhenAll(
            planned.Failover.RunAsync(planned.Input(fixture.RegionA, fixture.RegionB, force: false, TimeSpan.FromSeconds(30)), null, CancellationToken.None),
            forced.Failover.RunAsync(forced.Input(fixture.RegionA, fixture.RegionB, force: true, TimeSpan.FromSeconds(30)), null, CancellationToken.None));
        var (refused, completed) = (both[0], both[1]);

        Assert.False(refused.IsSuccess);
        Assert.Contains("IngressStopFailed", refused.StatesEntered);
        Assert.Equal((fixture.RegionA, "active"), ((await ConfigAsync(planned.StreamName))["activeRegion"], (await ConfigAsync(planned.StreamName))["state"]));
        Assert.True(completed.IsSuccess, $"{completed.Error}: {completed.Cause}");
        Assert.False((bool?)completed.Output!["dnsMoved"]);
        Assert.Equal((fixture.RegionB, "active"), ((await ConfigAsync(forced.StreamName))["activeRegion"], (await ConfigAsync(forced.StreamName))["state"]));
        Assert.Equal(FailoverDrill.ValueOf(fixture.RegionA), forced.Resolve());
    }

    [Fact]
    public async Task A_drain_that_cannot_finish_fails_cleanly_restoring_ingress_and_config()
    {
        // No relay runs: the backlog in A can never drain.
        await using var drill = await StartDrillAsync("stuck", startRelay: false);
        var backlog = Replicator.LocalCloud.Demo.CdcProducer.Generate(50, keys: 5, DateTimeOffset.UtcNow);
        await new Replicator.LocalCloud.Demo.CdcProducer(fixture.Cloud.CreateKinesisClient(fixture.RegionA), drill.StreamName).ProduceAsync(backlog, 50, null, CancellationToken.None);

        var result = await drill.Failover.RunAsync(drill.Input(fixture.RegionA, fixture.RegionB, force: false, TimeSpan.FromSeconds(3)), null, CancellationToken.None);

        Assert.False(result.IsSuccess);
        Assert.Equal("DrainTimedOut", result.Error);
        Assert.Contains("\"recordsBehind\":50", result.Cause, StringComparison.Ordinal);
        var config = await ConfigAsync(drill.StreamName);
        Assert.Equal((fixture.RegionA, "active"), (config["activeRegion"], config["state"]));
        Assert.Equal(FailoverDrill.ValueOf(fixture.RegionA), drill.Resolve());
        var notice = Assert.Single(drill.Topics.Published);
        Assert.StartsWith("DrainTimedOut: ", notice.Message, StringComparison.Ordinal);
        Assert.Empty(await drill.ContentsAsync(fixture.RegionB, CancellationToken.None));
    }

    /// <summary>
    /// Issue 15, item 1: the machine's TimeoutSeconds is budgeted for a drain of at most an hour
    /// (FailoverBudgetTests); a longer one could time the execution out mid-drain, where no Catch runs
    /// and ingress would stay stopped. It is refused before anything is written.
    /// </summary>
    [Fact]
    public async Task A_drain_timeout_longer_than_the_machine_can_wait_is_refused_before_ingress_stops()
    {
        await using var drill = await StartDrillAsync("toolong", startRelay: false);
        var before = await ConfigAsync(drill.StreamName);

        var result = await drill.Failover.RunAsync(drill.Input(fixture.RegionA, fixture.RegionB, force: true, TimeSpan.FromHours(2)), null, CancellationToken.None);

        Assert.Equal(("FAILED", "DrainTimeoutTooLong"), (result.Status, result.Error));
        Assert.Contains("drainTimeoutSeconds is 7200", result.Cause, StringComparison.Ordinal);
        Assert.DoesNotContain(result.StatesEntered, s => s is "ReadConfig" or "StopIngress");
        Assert.Equal(before, await ConfigAsync(drill.StreamName));
        Assert.Equal(FailoverDrill.ValueOf(fixture.RegionA), drill.Resolve());
    }

    /// <summary>
    /// An operator stops a failover mid-drain (ABORTED): Step Functions runs no Catch, so the stream is
    /// left draining and the producers' record on the hold value. The recovery the EventBridge rule runs
    /// (events/failover-ended.json is its event) puts both back, and leaves an execution's config alone
    /// once another owns it.
    /// </summary>
    [Fact]
    public async Task A_failover_stopped_mid_drain_is_put_back_by_the_recovery()
    {
        await using var drill = await StartDrillAsync("aborted", startRelay: false);
        await new Replicator.LocalCloud.Demo.CdcProducer(fixture.Cloud.CreateKinesisClient(fixture.RegionA), drill.StreamName)
            .ProduceAsync(Replicator.LocalCloud.Demo.CdcProducer.Generate(50, keys: 5, DateTimeOffset.UtcNow), 50, null, CancellationToken.None);
        var input = drill.Input(fixture.RegionA, fixture.RegionB, force: false, TimeSpan.FromSeconds(60));
        using var stop = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => drill.Failover.RunAsync(
            input, e => { if ((string?)e["type"] == "StateEntered" && (string?)e["state"]?["name"] == "Drain") { stop.Cancel(); } }, stop.Token));

        var left = await ConfigAsync(drill.StreamName);
        Assert.Equal((fixture.RegionA, "draining"), (left["activeRegion"], left["state"]));
        Assert.Equal(input.Dns.HoldValue, drill.Resolve());
        // The event EventBridge sends, shaped like the sample, for this execution and input.
        var owner = await ExecutionOwningAsync(drill.StreamName);
        var ended = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Replicator.LocalCloud.RepositoryLayout.Root(), "events", "failover-ended.json")))!;
        ended["detail"]!["executionArn"] = owner;
        ended["detail"]!["input"] = System.Text.Json.JsonSerializer.Serialize(input, Replicator.Failover.FailoverJsonContext.Default.FailoverInput);
        var recovery = new Replicator.Failover.RecoverFunction(
            fixture.DynamoDb,
            Replicator.LocalCloud.Demo.ReplicatorTables.Config,
            new Replicator.Failover.IngressDns(drill.Route53, fixture.Cloud.Credentials, Replicator.Aws.AwsEnvironment.HttpClient),
            new Replicator.Failover.FailoverClaims(
                Replicator.Failover.ConfigReplicas.From(Replicator.LocalCloud.Demo.LocalFunctionEnvironment.Failover(fixture.Cloud, fixture.RegionB)), TimeProvider.System));
        var aborted = new Replicator.Failover.ExecutionStatusDetail(owner, "ABORTED", "");

        var someoneElses = await recovery.RecoverAsync(aborted with { ExecutionArn = owner + "-another" }, input, CancellationToken.None);
        var report = System.Text.Json.JsonDocument.Parse(await recovery.HandleAsync(System.Text.Encoding.UTF8.GetBytes(ended.ToJsonString()), Replicator.Tests.Fakes.TestContexts.Create(TextWriter.Null), CancellationToken.None)).RootElement;
        var again = await recovery.RecoverAsync(aborted, input, CancellationToken.None);

        Assert.Equal(Replicator.Failover.RecoverFunction.NotThisExecution, someoneElses.Outcome);
        Assert.Empty(someoneElses.ClaimReleasedIn);
        Assert.Equal(Replicator.Failover.RecoverFunction.Restored, report.GetProperty("outcome").GetString());
        // The stopped execution's claim, which would block the next failover until it expires, is released in every replica.
        Assert.Equal(fixture.Cloud.Regions.Order(StringComparer.Ordinal), report.GetProperty("claimReleasedIn").EnumerateArray().Select(r => r.GetString()));
        var restored = await ConfigAsync(drill.StreamName);
        Assert.Equal((fixture.RegionA, "active", (long.Parse(left["version"], System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)), (restored["activeRegion"], restored["state"], restored["version"]));
        Assert.Equal(FailoverDrill.ValueOf(fixture.RegionA), drill.Resolve());
        Assert.Equal(Replicator.Failover.RecoverFunction.DnsToSource, again.Outcome);
        Assert.Equal(restored, await ConfigAsync(drill.StreamName));
    }

    /// <summary>The sample event is what EventBridge sends: its detail's input is the failover's own input, events/failover.json.</summary>
    [Fact]
    public void The_sample_failover_ended_event_carries_the_failover_input()
    {
        var root = Replicator.LocalCloud.RepositoryLayout.Root();
        var change = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "events", "failover-ended.json"))).RootElement;
        var input = System.Text.Json.JsonSerializer.Deserialize(change.GetProperty("detail").GetProperty("input").GetString()!, Replicator.Failover.FailoverJsonContext.Default.FailoverInput);
        var sample = System.Text.Json.JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(root, "events", "failover.json")), Replicator.Failover.FailoverJsonContext.Default.FailoverInput);

        Assert.Equal("Step Functions Execution Status Change", change.GetProperty("detail-type").GetString());
        Assert.Equal(sample, input);
    }

    /// <summary>The routing-control sample is a failover input whose failback turns the same controls the other way.</summary>
    [Fact]
    public void The_routing_control_sample_fails_back_by_swapping_source_and_target_controls()
    {
        var sample = System.Text.Json.JsonSerializer.Deserialize(
            File.ReadAllText(Path.Combine(Replicator.LocalCloud.RepositoryLayout.Root(), "events", "failover-routing-controls.json")), Replicator.Failover.FailoverJsonContext.Default.FailoverInput)!;

        var controls = Assert.IsType<Replicator.Failover.RoutingControls>(sample.Dns.RoutingControls);
        var back = sample.Swapped().Dns.RoutingControls!;

        Assert.Equal(5, controls.ClusterEndpoints.Count);
        Assert.Equal((controls.TargetArn, controls.HoldArn, controls.SourceArn), (back.SourceArn, back.HoldArn, back.TargetArn));
    }

    private Task<FailoverDrill> StartDrillAsync(string purpose, bool startRelay) =>
        FailoverDrill.StartAsync(fixture.Cloud, LocalCloudFixture.UniqueStreamName(purpose), fixture.RegionA, shards: 1, TextWriter.Null, CancellationToken.None, startRelay);

    private async Task<string> ExecutionOwningAsync(string stream) =>
        (await fixture.DynamoDb.GetItemAsync(new Amazon.DynamoDBv2.Model.GetItemRequest
        {
            TableName = Replicator.LocalCloud.Demo.ReplicatorTables.Config,
            Key = new() { ["streamName"] = new() { S = stream } },
            ConsistentRead = true,
        })).Item["failoverExecution"].S;

    /// <summary>The config item's attributes as strings (S or N), to compare whole.</summary>
    private async Task<Dictionary<string, string>> ConfigAsync(string stream)
    {
        var item = (await fixture.DynamoDb.GetItemAsync(new Amazon.DynamoDBv2.Model.GetItemRequest
        {
            TableName = Replicator.LocalCloud.Demo.ReplicatorTables.Config,
            Key = new() { ["streamName"] = new() { S = stream } },
            ConsistentRead = true,
        })).Item;
        return item.Where(a => a.Key != "failoverExecution").ToDictionary(a => a.Key, a => a.Value.S ?? a.Value.N);
    }
}
