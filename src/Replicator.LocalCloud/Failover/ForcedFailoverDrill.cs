using System.Text.Json.Nodes;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Verification;
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
/// it moves the producers by ARC routing controls, which need no control plane. Last, the producers'
/// CDC source re-produces into B from the report's <c>resumeProducersFrom</c>, and nothing A had
/// acknowledged may then be missing in B.
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
        // The drain measures in B, from B's replica of the checkpoint table: the relay's last checkpoints
        // must have replicated before the count can be exact. A global table takes about a second, but a
        // loaded machine can take longer, and A going down drops what has not replicated (then the
        // reported RPO over-counts by those records, which B does have: an upper bound, never a lower one).
        if (cloud.GlobalTables is { } tables)
        {
            await tables.SettledAsync().ConfigureAwait(false);
        }

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
        var takenByA = acknowledged.Where(r => r.Region == a).Select(r => r.Record).ToList();
        var inB = (await drill.ContentsAsync(b, cancellationToken).ConfigureAwait(false)).Select(r => (r.Key, r.N)).ToHashSet();
        var missing = takenByA.Count(r => !inB.Contains((r.Key, r.N)));
        var lostInB = acknowledged.Count(r => r.Region == b && !inB.Contains((r.Record.Key, r.Record.N)));
        var resent = await ResendFromAsync(cloud, stream, b, takenByA, result, cancellationToken).ConfigureAwait(false);
        var inBAfterResend = (await drill.ContentsAsync(b, cancellationToken).ConfigureAwait(false)).Select(r => (r.Key, r.N)).ToHashSet();
        return new ForcedFailoverResult(result, missing, lostInB, acknowledged.Count(r => r.Region == b), drill.Resolve())
        {
            Resent = resent,
            MissingAfterResend = takenByA.Count(r => !inBAfterResend.Contains((r.Key, r.N))),
            AcknowledgedInSource = takenByA.Count,
        };
    }

    /// <summary>
    /// The CDC source resumes as the report tells it (issue 17): it re-produces into the new region, in
    /// commit order, every record it committed after <c>resumeProducersFrom</c>, whether or not the
    /// replication had copied it (it cannot know), and nothing committed at or before it.
    /// </summary>
    /// <returns>How many records it re-produced.</returns>
    private static async Task<int> ResendFromAsync(TwoRegionCloud cloud, string stream, string region, IReadOnlyList<CdcRecord> committed, ExecutionResult failover, CancellationToken cancellationToken)
    {
        if ((bool?)failover.Output?["producersMustResend"] != true || (string?)failover.Output?["resumeProducersFrom"] is not { } text)
        {
            return 0;
        }

        var resumeFrom = DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        var resend = committed.Where(r => r.CommitTimestamp > resumeFrom).OrderBy(r => r.CommitTimestamp).ToList();
        await new CdcProducer(cloud.CreateKinesisClient(region), stream).ProduceAsync(resend, 500, null, cancellationToken).ConfigureAwait(false);
        return resend.Count;
    }
}

/// <param name="ActualMissing">Records acknowledged in A that are not in B: what the outage lost.</param>
/// <param name="LostInTarget">Records acknowledged in B after the failover that are not there (must be 0).</param>
/// <param name="WrittenToTarget">Records the producers wrote into B once DNS moved them.</param>
public sealed record ForcedFailoverResult(ExecutionResult Execution, int ActualMissing, int LostInTarget, int WrittenToTarget, string? Dns)
{
    public long? ReportedRpoRecords => (long?)Execution.Output?["rpoRecords"];

    /// <summary>The report's resumeProducersFrom: every record committed at or before it is in the target.</summary>
    public string? ResumeProducersFrom => (string?)Execution.Output?["resumeProducersFrom"];

    /// <summary>Records the CDC source re-produced into the target from <see cref="ResumeProducersFrom"/>.</summary>
    public int Resent { get; init; }

    /// <summary>Records the producers got acknowledged in A before the failover: what re-producing everything would resend.</summary>
    public int AcknowledgedInSource { get; init; }

    /// <summary>Records acknowledged in A that are still not in B once the source re-produced from the report's point (must be 0).</summary>
    public int MissingAfterResend { get; init; }

    /// <summary>The failover reported DNS moved, and a DNS query now answers the target's value.</summary>
    public bool DnsMoved => (bool?)Execution.Output?["dnsMoved"] == true && FailoverDrill.RegionOf(Dns ?? "") == (string?)Execution.Output?["targetRegion"];

    public bool Passed => Execution.IsSuccess && ReportedRpoRecords == ActualMissing && LostInTarget == 0 && MissingAfterResend == 0;

    /// <summary>The figures line of <c>replicator drill forced-failover</c> (DESIGN.md, "Commands and figures").</summary>
    public string FiguresJson() => new JsonObject
    {
        ["reported_rpo_records"] = ReportedRpoRecords,
        ["actual_missing"] = ActualMissing,
        ["rto_seconds"] = (double?)Execution.Output?["rtoSeconds"],
        ["dns_moved"] = DnsMoved,
        ["resume_producers_from"] = ResumeProducersFrom,
        ["resent_records"] = Resent,
        ["missing_after_resend"] = MissingAfterResend,
    }.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
