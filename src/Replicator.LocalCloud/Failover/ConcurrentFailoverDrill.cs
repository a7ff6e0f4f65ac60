using System.Text.Json.Nodes;
using Replicator.Failover;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.StepFunctions;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;

namespace Replicator.LocalCloud.Failover;

/// <summary>
/// Two failovers of one stream started at once in two regions (issue 15, item 2), on global tables that
/// replicate after a lag: A→B by B's machine and A→C by C's. Each machine's conditional writes are
/// judged by its own region's replica alone, so both can pass them; exactly one may win. Afterwards
/// every replica must agree on the active region, DNS must point there, and every record the producer
/// got acknowledged must be in that region, per key in order.
/// </summary>
public static class ConcurrentFailoverDrill
{
    public static async Task<ConcurrentFailoverResult> RunAsync(TwoRegionCloud cloud, TextWriter functionLog, CancellationToken cancellationToken)
    {
        if (cloud.Regions.Count != 3 || cloud.GlobalTables is null)
        {
            throw new ArgumentException("The concurrent failover drill needs a cloud of three regions on global tables (a replication lag).", nameof(cloud));
        }

        var (a, b, c) = (cloud.Regions.ElementAt(0), cloud.Regions.ElementAt(1), cloud.Regions.ElementAt(2));
        var stream = $"concurrent-drill-{Guid.NewGuid():N}"[..30];
        await using var drill = await FailoverDrill.StartAsync(cloud, stream, a, shards: 2, functionLog, cancellationToken).ConfigureAwait(false);

        var producer = drill.Producer();
        using var stopProducing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producing = producer.RunAsync(CdcProducer.Generate(200_000, keys: 100, DateTimeOffset.UtcNow), chunkSize: 20, pause: TimeSpan.FromMilliseconds(40), stopProducing.Token);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);

        var attempts = await Task.WhenAll(
            drill.Failover.RunAsync(drill.Input(a, b, force: false, TimeSpan.FromSeconds(60)), null, cancellationToken),
            drill.Failover.RunAsync(drill.Input(a, c, force: false, TimeSpan.FromSeconds(60)), null, cancellationToken)).ConfigureAwait(false);

        await cloud.GlobalTables.SettledAsync().ConfigureAwait(false);
        var activeInEachRegion = await ActiveInEachRegionAsync(cloud, stream, cancellationToken).ConfigureAwait(false);

        // Whichever region is active now feeds the other two, as its stack's relays would.
        var active = activeInEachRegion[a];
        if (active is not null && active != a)
        {
            foreach (var target in cloud.Regions.Where(r => r != active))
            {
                drill.StartRelay(active, target);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        await stopProducing.CancelAsync().ConfigureAwait(false);
        await producing.ConfigureAwait(false);
        var acknowledged = producer.Acknowledged.Select(r => r.Record).ToList();
        var check = active is null
            ? ReplicationCheck.Compare(acknowledged, [])
            : await drill.SettledCheckAsync(active, acknowledged, cancellationToken).ConfigureAwait(false);
        var dns = FailoverDrill.RegionOf(drill.Resolve() ?? "");
        return new ConcurrentFailoverResult(attempts, activeInEachRegion, dns, acknowledged.Count, check);
    }

    /// <summary>The active region as each region's replica of the config table has it.</summary>
    private static async Task<Dictionary<string, string?>> ActiveInEachRegionAsync(TwoRegionCloud cloud, string stream, CancellationToken cancellationToken)
    {
        var clients = cloud.Regions.ToDictionary(r => r, r => cloud.CreateDynamoDbClient(r));
        try
        {
            var replicas = new ConfigReplicas(r => clients[r], ReplicatorTables.Config, [.. cloud.Regions], cloud.Regions.First());
            var active = new Dictionary<string, string?>();
            foreach (var region in cloud.Regions)
            {
                var config = await replicas.ItemAsync(region, stream, cancellationToken).ConfigureAwait(false);
                active[region] = config?.GetValueOrDefault(TableAttributes.ActiveRegion)?.S;
            }

            return active;
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }
}

/// <param name="ActiveInEachRegion">The active region as each region's replica of the config table has it once replication settled.</param>
/// <param name="Dns">The region the stream's DNS record sends producers to.</param>
/// <param name="InActiveRegion">Every acknowledged record against the region the replicas agree on.</param>
public sealed record ConcurrentFailoverResult(
    IReadOnlyList<ExecutionResult> Attempts, IReadOnlyDictionary<string, string?> ActiveInEachRegion, string? Dns, int Acknowledged, ReplicationCheck InActiveRegion)
{
    public int Winners => Attempts.Count(a => a.IsSuccess);

    /// <summary>Every replica names one active region, and DNS sends producers there.</summary>
    public bool Agreed => ActiveInEachRegion.Values.Distinct().Count() == 1 && Dns == ActiveInEachRegion.Values.First();

    public bool Passed => Winners == 1 && Agreed && InActiveRegion.Missing == 0 && InActiveRegion.OrderViolations == 0;

    /// <summary>The figures line of <c>replicator drill concurrent-failover</c>.</summary>
    public string FiguresJson() => new JsonObject
    {
        ["attempts"] = Attempts.Count,
        ["winners"] = Winners,
        ["lost"] = InActiveRegion.Missing,
        ["order_violations"] = InActiveRegion.OrderViolations,
        ["regions_agree"] = Agreed,
    }.ToJsonString();
}
