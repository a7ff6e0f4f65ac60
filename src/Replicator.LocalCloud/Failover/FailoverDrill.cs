using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.Route53;
using Replicator.Failover;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.StandIns;
using Replicator.LocalCloud.StepFunctions;
using Replicator.LocalCloud.Verification;

namespace Replicator.LocalCloud.Failover;

/// <summary>
/// The failover drills on the local cloud: a stream in both regions with a relay each way, producers
/// following the stream's DNS record, and the failover state machine moving them. Each drill checks
/// the regions record by record against the producer's log of acknowledged records.
/// </summary>
public sealed class FailoverDrill : IAsyncDisposable
{
    public const string Zone = "replicator.local";

    /// <summary>Relays time out after this, so the fence (gate TTL plus timeout) stays short locally.</summary>
    public static readonly TimeSpan RelayTimeout = TimeSpan.FromSeconds(3);

    private readonly TwoRegionCloud _cloud;
    private readonly TextWriter _functionLog;
    private readonly Route53StandIn _route53 = new(propagation: TimeSpan.FromSeconds(1));
    private readonly string _zoneId;
    private readonly Dictionary<(string Source, string Target), (CancellationTokenSource Stop, Task Running)> _relays = [];
    private RoutingControlClusterStandIn? _cluster;
    private readonly Dictionary<string, string> _routingControls = [];

    private FailoverDrill(TwoRegionCloud cloud, string streamName, TextWriter functionLog)
    {
        _cloud = cloud;
        _functionLog = functionLog;
        StreamName = streamName;
        _zoneId = _route53.CreateHostedZone(Zone);
        Route53 = new Route53Client(new AwsServiceOptions(cloud.Regions.First(), cloud.Credentials, AwsEnvironment.HttpClient) { EndpointOverride = _route53.Endpoint });
        Failover = new LocalFailover(cloud, _route53, Topics, LocalFunctionEnvironment.GateCacheTtl + RelayTimeout, functionLog);
    }

    public string StreamName { get; }

    public string RecordName => $"{StreamName}.{Zone}";

    public LocalTopics Topics { get; } = new();

    public LocalFailover Failover { get; }

    public Route53Client Route53 { get; }

    /// <summary>The DNS value that sends producers to a region's stream.</summary>
    public static string ValueOf(string region) => $"{region}.kinesis.{Zone}";

    public static string? RegionOf(string value) => value.EndsWith($".kinesis.{Zone}", StringComparison.Ordinal) ? value.Split('.')[0] : null;

    /// <summary>
    /// Creates the stream in every region, makes it active in <paramref name="activeRegion"/>, points DNS
    /// there and starts the active region's relays (unless <paramref name="startRelay"/> is false: a stuck relay). The other relays are started by the drill when it
    /// chooses: started late, they meet every replica at once, as a lagging event source mapping would.
    /// </summary>
    /// <param name="routingControls">
    /// The record is moved by ARC routing controls: one per region and one for the hold value, each the
    /// health check of its answer, on a cluster whose us-east-1 and us-west-2 endpoints are down.
    /// </param>
    public static async Task<FailoverDrill> StartAsync(
        TwoRegionCloud cloud, string streamName, string activeRegion, int shards, TextWriter functionLog, CancellationToken cancellationToken, bool startRelay = true, bool routingControls = false)
    {
        var drill = new FailoverDrill(cloud, streamName, functionLog);
        if (routingControls)
        {
            drill.UseRoutingControls(activeRegion);
        }

        using var dynamoDb = cloud.CreateDynamoDbClient(activeRegion);
        await ReplicatorTables.CreateAsync(dynamoDb, cancellationToken).ConfigureAwait(false);
        await ReplicatorTables.SetActiveRegionAsync(dynamoDb, streamName, activeRegion, cancellationToken).ConfigureAwait(false);
        if (cloud.GlobalTables is { } globalTables)
        {
            // Every region's replica must have the config before a machine there reads it.
            await globalTables.SettledAsync().ConfigureAwait(false);
        }

        foreach (var region in cloud.Regions)
        {
            var kinesis = cloud.CreateKinesisClient(region);
            await kinesis.CreateStreamAsync(streamName, shards, cancellationToken).ConfigureAwait(false);
            await kinesis.WaitUntilActiveAsync(streamName, cancellationToken).ConfigureAwait(false);
        }

        if (!routingControls)
        {
            await drill.Route53.ChangeResourceRecordSetsAsync(
                drill._zoneId, "drill setup", [new RecordChange(RecordChange.Upsert, new ResourceRecordSet(drill.RecordName, "CNAME", 1, [ValueOf(activeRegion)]))], cancellationToken).ConfigureAwait(false);
        }

        foreach (var target in cloud.Regions.Where(r => startRelay && r != activeRegion))
        {
            drill.StartRelay(activeRegion, target);
        }

        return drill;
    }

    public FailoverInput Input(string from, string to, bool force, TimeSpan drainTimeout) => new(
        StreamName,
        from,
        to,
        force,
        drainTimeout.TotalSeconds,
        // Producers may hold the old answer for the record's TTL: the drain must outlast it.
        SettleSeconds: 2,
        new DnsRecord(_zoneId, RecordName, "CNAME", 1, ValueOf(from), ValueOf(to), HoldValue)
        {
            RoutingControls = _cluster is null ? null : new RoutingControls(_cluster.Endpoints, _routingControls[from], _routingControls[HoldValue], _routingControls[to]),
        });

    private static string HoldValue => $"ingress-stopped.{Zone}";

    public DnsFollowingProducer Producer() => new(_cloud, () => _route53.Resolve(_zoneId, RecordName, "CNAME"), StreamName, RegionOf);

    /// <summary>Where the stream's DNS record sends producers now, as a DNS query answers (Route 53's data plane).</summary>
    public string? Resolve() => _route53.Resolve(_zoneId, RecordName, "CNAME").FirstOrDefault();

    /// <summary>Route 53's control plane (its API, in us-east-1) stops answering; DNS queries still do.</summary>
    public void StopRoute53ControlPlane() => _route53.StopControlPlane();

    /// <summary>Every record in a region's stream, parsed, in shard order.</summary>
    public async Task<IReadOnlyList<CdcRecord>> ContentsAsync(string region, CancellationToken cancellationToken) =>
        (await StreamContents.ReadAsync(_cloud.CreateKinesisClient(region), StreamName, cancellationToken).ConfigureAwait(false))
            .SelectMany(s => s.Records).Select(r => CdcRecord.Parse(r.Data)).ToList();

    /// <summary>
    /// Waits up to a minute for the relays to deliver what was acknowledged (a relay started late first
    /// skips every replica its region holds), then checks the region record by record.
    /// </summary>
    public async Task<ReplicationCheck> SettledCheckAsync(string region, IReadOnlyList<CdcRecord> acknowledged, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            var check = ReplicationCheck.Compare(acknowledged, await ContentsAsync(region, cancellationToken).ConfigureAwait(false));
            if (check.Missing == 0 || DateTimeOffset.UtcNow > deadline)
            {
                return check;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Records found more than once in the region they were produced into: copies relayed back into their origin.</summary>
    public static int Looped(IEnumerable<(CdcRecord Record, string Region)> acknowledged, string region, IReadOnlyList<CdcRecord> contents)
    {
        var counts = contents.GroupBy(r => (r.Key, r.N)).ToDictionary(g => g.Key, g => g.Count());
        return acknowledged.Where(a => a.Region == region).Count(a => counts.GetValueOrDefault((a.Record.Key, a.Record.N)) > 1);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _relays.Keys.Select(k => k.Source).Distinct().ToList())
        {
            await StopRelayAsync(source).ConfigureAwait(false);
        }

        await _route53.DisposeAsync().ConfigureAwait(false);
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void UseRoutingControls(string activeRegion)
    {
        _cluster = new RoutingControlClusterStandIn();
        _cluster.TakeDown("us-east-1");
        _cluster.TakeDown("us-west-2");
        var answers = new List<(string Value, Func<bool> Healthy)>();
        foreach (var value in _cloud.Regions.Select(ValueOf).Append(HoldValue))
        {
            var control = _cluster.CreateRoutingControl(value.Split('.')[0], on: value == ValueOf(activeRegion));
            _routingControls[RegionOf(value) ?? HoldValue] = control;
            answers.Add((value, () => _cluster.IsOn(control)));
        }

        _route53.AddHealthCheckedRecords(_zoneId, RecordName, "CNAME", answers);
    }

    /// <param name="batchSize">The mapping's BatchSize: a small one makes a relay that is slow to catch up.</param>
    public void StartRelay(string source, string target, int batchSize = 100)
    {
        var mapping = LocalRelay.Create(_cloud, StreamName, source, target, batchSize, _functionLog, functionTimeout: RelayTimeout);
        mapping.Invoked += result =>
        {
            if (result.Error is { } error)
            {
                _functionLog.WriteLine($"relay {source}→{target} invocation on {result.ShardId} failed and will be retried: {error.GetType().Name}: {error.Message}");
            }
        };
        var stop = new CancellationTokenSource();
        _relays.Add((source, target), (stop, mapping.RunAsync(stop.Token)));
    }

    /// <summary>Stops every relay reading <paramref name="source"/>'s stream: replication falls behind from here.</summary>
    public async Task StopRelayAsync(string source)
    {
        foreach (var key in _relays.Keys.Where(k => k.Source == source).ToList())
        {
            _relays.Remove(key, out var relay);
            await relay.Stop.CancelAsync().ConfigureAwait(false);
            await relay.Running.ConfigureAwait(false);
            relay.Stop.Dispose();
        }
    }
}
