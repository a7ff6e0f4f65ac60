using System.Text.Json.Nodes;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.StepFunctions;

namespace Replicator.LocalCloud.Failover;

/// <summary>
/// Forced failover with the source region down: replication falls behind (A's relay stops), the
/// failover stops ingress and measures the backlog, then A's emulators are stopped mid-drain. After
/// the drain timeout the forced machine goes on, and the RPO it reports must equal the records the
/// producer got acknowledged in A that B does not have. It stops a region: give it its own cloud.
/// A is us-east-1, where Route 53's control plane runs: with <c>route53ControlPlaneDown</c> its outage
/// takes the Route 53 API down too, and the failover must still complete; with <c>routingControls</c>
/// it moves the producers by ARC routing controls, which need no control plane.
/// </summary>
public static class ForcedFailoverDrill
{
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(8);

    public static async Task<ForcedFailoverResult> RunAsync(
        TwoRegionCloud cloud,
        TextWriter functionLog,
        Action<string, JsonObject>? onEvent,
        CancellationToken cancellationToken,
        bool route53ControlPlaneDown = false,
        bool routingControls = false)
    {
        var (a, b) = (cloud.Regions.First(), cloud.Regions.Last());
        var stream = $"forced-drill-{Guid.NewGuid():N}"[..26];
        await using var drill = await FailoverDrill.StartAsync(cloud, stream, a, shards: 2, functionLog, cancellationToken, routingControls: routingControls).ConfigureAwait(false);
        var producer = drill.Producer();
        using var stopProducing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producing = producer.RunAsync(CdcProducer.Generate(200_000, keys: 100, DateTimeOffset.UtcNow), chunkSize: 20, TimeSpan.FromMilliseconds(40), stopProducing.Token);

        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        await drill.StopRelayAsync(a).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);

        // A goes down once the drain has measured the same backlog twice: ingress has stopped, so
        // that backlog is exactly what cannot be replicated any more.
        var backlogMeasured = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long? previous = null;
        void Watch(JsonObject executionEvent)
        {
            onEvent?.Invoke("forced failover", executionEvent);
            if ((string?)executionEvent["type"] != "StateExited" || (string?)executionEvent["state"]?["name"] != "Drain")
            {
                return;
            }

            var status = executionEvent["state"]?["output"]?["drain"]?["status"];
            var behind = (bool?)status?["sourceReachable"] == true ? (long?)status["measurement"]?["recordsBehind"] : null;
            if (behind is not null && behind == previous)
            {
                backlogMeasured.TrySetResult();
            }

            previous = behind;
        }

        var failover = drill.Failover.RunAsync(drill.Input(a, b, force: true, DrainTimeout), Watch, cancellationToken);
        await Task.WhenAny(backlogMeasured.Task, failover).ConfigureAwait(false);
        await cloud.StopRegionAsync(a).ConfigureAwait(false);
        if (route53ControlPlaneDown)
        {
            drill.StopRoute53ControlPlane();
        }

        var result = await failover.ConfigureAwait(false);

        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        await stopProducing.CancelAsync().ConfigureAwait(false);
        await producing.ConfigureAwait(false);

        var acknowledged = producer.Acknowledged;
        var inB = (await drill.ContentsAsync(b, cancellationToken).ConfigureAwait(false)).Select(r => (r.Key, r.N)).ToHashSet();
        var missing = acknowledged.Count(r => r.Region == a && !inB.Contains((r.Record.Key, r.Record.N)));
        var lostInB = acknowledged.Count(r => r.Region == b && !inB.Contains((r.Record.Key, r.Record.N)));
        return new ForcedFailoverResult(result, missing, lostInB, acknowledged.Count(r => r.Region == b), drill.Resolve());
    }
}

/// <param name="ActualMissing">Records acknowledged in A that are not in B: what the outage lost.</param>
/// <param name="LostInTarget">Records acknowledged in B after the failover that are not there (must be 0).</param>
/// <param name="WrittenToTarget">Records the producers wrote into B once DNS moved them.</param>
public sealed record ForcedFailoverResult(ExecutionResult Execution, int ActualMissing, int LostInTarget, int WrittenToTarget, string? Dns)
{
    public long? ReportedRpoRecords => (long?)Execution.Output?["rpoRecords"];

    /// <summary>The failover reported DNS moved, and a DNS query now answers the target's value.</summary>
    public bool DnsMoved => (bool?)Execution.Output?["dnsMoved"] == true && FailoverDrill.RegionOf(Dns ?? "") == (string?)Execution.Output?["targetRegion"];

    public bool Passed => Execution.IsSuccess && ReportedRpoRecords == ActualMissing && LostInTarget == 0;

    /// <summary>The figures line of <c>replicator drill forced-failover</c> (DESIGN.md, "Commands and figures").</summary>
    public string FiguresJson() => new JsonObject
    {
        ["reported_rpo_records"] = ReportedRpoRecords,
        ["actual_missing"] = ActualMissing,
        ["rto_seconds"] = (double?)Execution.Output?["rtoSeconds"],
        ["dns_moved"] = DnsMoved,
    }.ToJsonString();
}
