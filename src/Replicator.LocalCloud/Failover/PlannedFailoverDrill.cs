using System.Text.Json.Nodes;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.StepFunctions;
using Replicator.LocalCloud.Verification;

namespace Replicator.LocalCloud.Failover;

/// <summary>
/// Planned failover and failback under load: producers keep writing through the DNS record while the
/// state machine moves the stream from A to B and back. After each move every record the producer got
/// acknowledged must be in the now active region, per key in order, and none copied back into its origin.
/// </summary>
public static class PlannedFailoverDrill
{
    public static async Task<PlannedFailoverResult> RunAsync(TwoRegionCloud cloud, TextWriter functionLog, Action<string, JsonObject>? onEvent, CancellationToken cancellationToken)
    {
        var (a, b) = (cloud.Regions.First(), cloud.Regions.Last());
        var stream = $"failover-drill-{Guid.NewGuid():N}"[..28];
        await using var drill = await FailoverDrill.StartAsync(cloud, stream, a, shards: 2, functionLog, cancellationToken).ConfigureAwait(false);
        var producer = drill.Producer();
        var records = CdcProducer.Generate(200_000, keys: 100, DateTimeOffset.UtcNow);
        using var stopProducing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producing = producer.RunAsync(records, chunkSize: 20, pause: TimeSpan.FromMilliseconds(40), stopProducing.Token);

        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        var failover = await drill.Failover.RunAsync(drill.Input(a, b, force: false, TimeSpan.FromSeconds(60)), e => onEvent?.Invoke("failover", e), cancellationToken).ConfigureAwait(false);
        var afterFailover = await CheckAsync(drill, producer, b, failover, cancellationToken).ConfigureAwait(false);

        // B's relay starts only now, from the start of its stream: every record A replicated into B is
        // waiting for it, and none may be copied back into A.
        drill.StartRelay(b, a);

        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        var failback = await drill.Failover.RunAsync(drill.Input(b, a, force: false, TimeSpan.FromSeconds(60)), e => onEvent?.Invoke("failback", e), cancellationToken).ConfigureAwait(false);
        var afterFailback = await CheckAsync(drill, producer, a, failback, cancellationToken).ConfigureAwait(false);

        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        await stopProducing.CancelAsync().ConfigureAwait(false);
        await producing.ConfigureAwait(false);
        // Let the relays finish with the last records, then look for copies relayed back into their origin.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        var acknowledged = producer.Acknowledged;
        var looped = FailoverDrill.Looped(acknowledged, a, await drill.ContentsAsync(a, cancellationToken).ConfigureAwait(false))
            + FailoverDrill.Looped(acknowledged, b, await drill.ContentsAsync(b, cancellationToken).ConfigureAwait(false));
        return new PlannedFailoverResult(acknowledged.Count, afterFailover, afterFailback, looped, drill.Topics.Published.Count);
    }

    /// <summary>Right after a move: what the producer had acknowledged must all be in the new active region, in per-key order.</summary>
    private static async Task<MoveCheck> CheckAsync(FailoverDrill drill, DnsFollowingProducer producer, string activeRegion, ExecutionResult execution, CancellationToken cancellationToken)
    {
        var acknowledged = producer.Acknowledged;
        var contents = await drill.ContentsAsync(activeRegion, cancellationToken).ConfigureAwait(false);
        var check = ReplicationCheck.Compare(acknowledged.Select(r => r.Record).ToList(), contents);
        var dns = drill.Resolve();
        return new MoveCheck(execution, acknowledged.Count, check.Missing, check.OrderViolations, dns);
    }
}

/// <param name="Dns">Where the stream's DNS record pointed right after the move.</param>
public sealed record MoveCheck(ExecutionResult Execution, int Acknowledged, int Lost, int OrderViolations, string? Dns)
{
    public double? Figure(string name) => Execution.Output?[name] is JsonValue value && value.TryGetValue<double>(out var number) ? number : null;
}

public sealed record PlannedFailoverResult(int Acknowledged, MoveCheck Failover, MoveCheck Failback, int Looped, int Notifications)
{
    public bool Passed => Failover.Execution.IsSuccess && Failback.Execution.IsSuccess
        && Failover.Lost == 0 && Failback.Lost == 0 && Failover.OrderViolations == 0 && Failback.OrderViolations == 0 && Looped == 0;

    /// <summary>The figures line of <c>replicator drill failover</c> (DESIGN.md, "Commands and figures").</summary>
    public string FiguresJson() => new JsonObject
    {
        ["acknowledged"] = Acknowledged,
        ["lost"] = Failover.Lost,
        ["order_violations"] = Failover.OrderViolations + Failback.OrderViolations,
        ["looped"] = Looped,
        ["rpo_records"] = Failover.Figure("rpoRecords"),
        ["rto_seconds"] = Failover.Figure("rtoSeconds"),
        ["failback_lost"] = Failback.Lost,
    }.ToJsonString();
}
