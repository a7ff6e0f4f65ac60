using System.Text.Json.Nodes;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.Verification;

namespace Replicator.LocalCloud.Failover;

/// <summary>
/// A planned failover with three regions (issue 15, item 3): A feeds B and C, and the failover moves
/// the stream from A to B while A's relay into C is far behind. Once B is active A's relays are gated
/// off, so whatever C had not received from A by then would never reach it: the drain must wait for C
/// too. Afterwards B feeds C, and every record the producer got acknowledged must be in B and in
/// C, per key in order.
/// </summary>
public static class FanOutFailoverDrill
{
    /// <summary>How far behind A's relay into C is when the failover starts.</summary>
    public const int BacklogIntoC = 2_000;

    public static async Task<FanOutFailoverResult> RunAsync(TwoRegionCloud cloud, TextWriter functionLog, CancellationToken cancellationToken)
    {
        if (cloud.Regions.Count != 3)
        {
            throw new ArgumentException($"The fan-out drill needs a cloud of three regions, not {cloud.Regions.Count}.", nameof(cloud));
        }

        var (a, b, c) = (cloud.Regions.ElementAt(0), cloud.Regions.ElementAt(1), cloud.Regions.ElementAt(2));
        var stream = $"fanout-drill-{Guid.NewGuid():N}"[..26];
        await using var drill = await FailoverDrill.StartAsync(cloud, stream, a, shards: 2, functionLog, cancellationToken, startRelay: false).ConfigureAwait(false);
        drill.StartRelay(a, b);
        var producer = drill.Producer();
        using var stopProducing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producing = producer.RunAsync(CdcProducer.Generate(500_000, keys: 100, DateTimeOffset.UtcNow), chunkSize: 50, pause: TimeSpan.FromMilliseconds(30), stopProducing.Token);
        while (producer.Acknowledged.Count < BacklogIntoC)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        // A's relay into C starts only once B is drained, and moves ten records an invocation: C is then
        // thousands of records and some twenty seconds behind, far more than the drain's settle time.
        var startedIntoC = 0;
        var failover = await drill.Failover.RunAsync(
            drill.Input(a, b, force: false, TimeSpan.FromSeconds(120)),
            e =>
            {
                if ((string?)e["type"] == "StateExited" && (string?)e["state"]?["name"] == "Drain"
                    && (long?)e["state"]?["output"]?["drain"]?["status"]?["measurement"]?["recordsBehind"] == 0
                    && Interlocked.Exchange(ref startedIntoC, 1) == 0)
                {
                    drill.StartRelay(a, c, batchSize: 10);
                }
            },
            cancellationToken).ConfigureAwait(false);

        // B now feeds C and A; nothing that reached B from A may go back.
        drill.StartRelay(b, c);
        drill.StartRelay(b, a);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        await stopProducing.CancelAsync().ConfigureAwait(false);
        await producing.ConfigureAwait(false);
        var acknowledged = producer.Acknowledged.Select(r => r.Record).ToList();
        var inB = await drill.SettledCheckAsync(b, acknowledged, cancellationToken).ConfigureAwait(false);
        var inC = await drill.SettledCheckAsync(c, acknowledged, cancellationToken).ConfigureAwait(false);
        var looped = FailoverDrill.Looped(producer.Acknowledged, a, await drill.ContentsAsync(a, cancellationToken).ConfigureAwait(false))
            + FailoverDrill.Looped(producer.Acknowledged, b, await drill.ContentsAsync(b, cancellationToken).ConfigureAwait(false));
        return new FanOutFailoverResult(failover, acknowledged.Count, inB, inC, looped);
    }
}

/// <param name="Looped">Records found more than once in the region they were produced into (A before the failover, B after): copies relayed back.</param>
public sealed record FanOutFailoverResult(StepFunctions.ExecutionResult Failover, int Acknowledged, ReplicationCheck InTarget, ReplicationCheck InThirdRegion, int Looped)
{
    public bool Passed => Failover.IsSuccess && InTarget.Missing == 0 && InThirdRegion.Missing == 0 && InTarget.OrderViolations == 0 && InThirdRegion.OrderViolations == 0 && Looped == 0;

    /// <summary>The figures line of <c>replicator drill fan-out-failover</c>.</summary>
    public string FiguresJson() => new JsonObject
    {
        ["acknowledged"] = Acknowledged,
        ["lost_in_target"] = InTarget.Missing,
        ["lost_in_third_region"] = InThirdRegion.Missing,
        ["order_violations"] = InTarget.OrderViolations + InThirdRegion.OrderViolations,
        ["looped"] = Looped,
    }.ToJsonString();
}
