using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace Replicator.LocalCloud.GlobalTables;

/// <summary>
/// DynamoDB global tables as AWS runs them in multi-region eventual consistency: one replica per region
/// (a dynalite each), every write applied to its own region's replica at once and to the others after
/// <paramref name="lag"/>, asynchronously, the last writer winning where two regions wrote one item; a
/// condition is judged by the region's own replica alone. A region can be cut off (its outage): its
/// replica refuses every call, and replication into and out of it waits until it is back.
/// Table operations (create, delete, TTL) apply to every replica at once. Only the tables
/// ddb-template.yml makes global (<see cref="Demo.ReplicatorTables.Global"/>) replicate: any other table,
/// such as a KCL application's lease table, is regional, as a table created in one region is.
/// </summary>
public sealed class GlobalTables(TimeSpan lag, AWSCredentials credentials) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, AmazonDynamoDBClient> _replicas = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Limits.EmulatorForwarder> _tableOperations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Limits.KeySchemas> _schemas = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Region, string Table, string Key), long> _lastWrite = new();
    private readonly ConcurrentDictionary<string, bool> _cutOff = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Faults.TcpProxy> _doors = new(StringComparer.Ordinal);
    private readonly List<Task> _inFlight = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _clock;
    private long _replicated;
    private long _overwritten;

    public TimeSpan Lag => lag;

    /// <summary>Writes applied to another region's replica.</summary>
    public long Replicated => Interlocked.Read(ref _replicated);

    /// <summary>Replicated writes dropped because the replica held a later one (last writer wins).</summary>
    public long LostToLaterWriters => Interlocked.Read(ref _overwritten);

    public IReadOnlyCollection<string> Regions => _replicas.Keys.ToList();

    /// <param name="door">What the region's clients connect through, which its outage cuts off.</param>
    public void AddReplica(string region, Uri dynalite, Faults.TcpProxy door)
    {
        _doors[region] = door;
        _replicas[region] = new AmazonDynamoDBClient(credentials, new AmazonDynamoDBConfig { ServiceURL = dynalite.ToString(), AuthenticationRegion = region });
        _schemas[region] = new Limits.KeySchemas(_replicas[region]);
        _tableOperations[region] = new Limits.EmulatorForwarder(dynalite, "application/x-amz-json-1.0");
    }

    /// <summary>After a table operation (create, delete, TTL) succeeded in <paramref name="region"/>: the same on every other replica, at once.</summary>
    public async Task TableChangedAsync(string region, System.Net.HttpListenerContext context, byte[] body)
    {
        if (!Demo.ReplicatorTables.Global.Contains((string?)JsonNode.Parse(body)?["TableName"] ?? ""))
        {
            return;
        }

        foreach (var (peer, forwarder) in _tableOperations.Where(r => r.Key != region))
        {
            // A replica that has the table already (created in its own region too) answers ResourceInUse: the same table.
            await forwarder.ForwardAsync(context, body).ConfigureAwait(false);
        }
    }

    public bool IsCutOff(string region) => _cutOff.GetValueOrDefault(region);

    /// <summary>The region's outage: its replica refuses every call, and nothing replicates into or out of it until <see cref="Restore"/>.</summary>
    public void CutOff(string region)
    {
        _cutOff[region] = true;
        _doors[region].CutOff();
    }

    public void Restore(string region)
    {
        _doors[region].Restore();
        _cutOff[region] = false;
    }

    /// <summary>
    /// After a write succeeded in <paramref name="region"/>: reads each item it wrote back from that
    /// replica and sends it to every other replica, each after the lag.
    /// </summary>
    public async Task WrittenAsync(string region, string operation, JsonObject request)
    {
        foreach (var (table, key) in await KeysWrittenAsync(region, operation, request).ConfigureAwait(false))
        {
            if (!Demo.ReplicatorTables.Global.Contains(table))
            {
                continue;
            }

            var item = (await _replicas[region].GetItemAsync(new GetItemRequest { TableName = table, Key = key, ConsistentRead = true }).ConfigureAwait(false)).Item;
            var version = Interlocked.Increment(ref _clock);
            _lastWrite[(region, table, KeyText(key))] = version;
            foreach (var peer in _replicas.Keys.Where(r => r != region))
            {
                Track(ReplicateAsync(region, peer, table, key, item is { Count: > 0 } ? item : null, version));
            }
        }
    }

    /// <summary>Waits until every replication under way has been applied (or dropped).</summary>
    public async Task SettledAsync()
    {
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _inFlight];
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await SettledAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Replication still waiting for a cut-off region ends with the cloud.
        }

        foreach (var replica in _replicas.Values)
        {
            replica.Dispose();
        }

        foreach (var forwarder in _tableOperations.Values)
        {
            forwarder.Dispose();
        }

        _stopping.Dispose();
    }

    private async Task ReplicateAsync(string source, string peer, string table, Dictionary<string, AttributeValue> key, Dictionary<string, AttributeValue>? item, long version)
    {
        await Task.Delay(lag, _stopping.Token).ConfigureAwait(false);
        while (IsCutOff(source) || IsCutOff(peer))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), _stopping.Token).ConfigureAwait(false);
        }

        var slot = (peer, table, KeyText(key));
        lock (_gate)
        {
            // Last writer wins: a replica that took a later write of this item keeps it.
            if (_lastWrite.GetValueOrDefault(slot) > version)
            {
                Interlocked.Increment(ref _overwritten);
                return;
            }

            _lastWrite[slot] = version;
        }

        if (item is null)
        {
            await _replicas[peer].DeleteItemAsync(new DeleteItemRequest { TableName = table, Key = key }, _stopping.Token).ConfigureAwait(false);
        }
        else
        {
            await _replicas[peer].PutItemAsync(new PutItemRequest { TableName = table, Item = item }, _stopping.Token).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _replicated);
    }

    private void Track(Task replication)
    {
        lock (_gate)
        {
            _inFlight.RemoveAll(t => t.IsCompleted);
            _inFlight.Add(replication);
        }
    }

    /// <summary>The key of each item the write changed, with the attributes its table's schema names (a ConditionCheck changes none).</summary>
    private async Task<List<(string Table, Dictionary<string, AttributeValue> Key)>> KeysWrittenAsync(string region, string operation, JsonObject request)
    {
        var keys = new List<(string, Dictionary<string, AttributeValue>)>();
        foreach (var (table, itemOrKey, conditionCheckOnly) in Limits.WrittenItems.Of(operation, request))
        {
            if (!conditionCheckOnly)
            {
                var schema = await _schemas[region].OfAsync(table).ConfigureAwait(false);
                keys.Add((table, schema.ToDictionary(k => k.AttributeName, k => Attribute(itemOrKey[k.AttributeName]!.AsObject()))));
            }
        }

        return keys;
    }

    /// <summary>A key attribute as the wire has it: S, N or B.</summary>
    private static AttributeValue Attribute(JsonObject value) =>
        value["S"] is { } s ? new AttributeValue { S = (string)s! }
        : value["N"] is { } n ? new AttributeValue { N = (string)n! }
        : new AttributeValue { B = new MemoryStream(Convert.FromBase64String((string)value["B"]!)) };

    private static string KeyText(Dictionary<string, AttributeValue> key) =>
        string.Join('|', key.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}={k.Value.S ?? k.Value.N ?? Convert.ToBase64String(k.Value.B.ToArray())}"));
}
