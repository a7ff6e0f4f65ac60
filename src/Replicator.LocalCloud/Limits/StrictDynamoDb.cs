using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Replicator.LocalCloud.Limits;

/// <summary>
/// A DynamoDB endpoint in front of dynalite that enforces <see cref="DynamoDbLimits"/>: every write
/// (PutItem, UpdateItem, DeleteItem, and each item of BatchWriteItem and TransactWriteItems) is charged
/// to its partition key's allowance by the write units dynalite says it consumed, and a write to a key
/// whose allowance is spent is refused with <c>ProvisionedThroughputExceededException</c>, as DynamoDB
/// refuses a hot partition's. Reads and everything else pass through.
/// </summary>
public sealed class StrictDynamoDb : IAsyncDisposable
{
    private const string TargetPrefix = "DynamoDB_20120810.";
    private const string Throttled = "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException";

    private readonly EmulatorForwarder _forwarder;
    private readonly DynamoDbLimits _limits;
    private readonly TimeProvider _clock;
    private readonly AmazonDynamoDBClient _schema;
    private readonly KeySchemas _schemas;
    private readonly ConcurrentDictionary<(string Table, string Key), TokenBucket> _budgets = new();
    private readonly LoopbackHttpServer _server;
    private long _throttledWrites;
    private long _writeMilliUnits;

    public StrictDynamoDb(Uri emulator, AWSCredentials credentials, DynamoDbLimits limits, TimeProvider? clock = null)
    {
        _forwarder = new EmulatorForwarder(emulator, "application/x-amz-json-1.0");
        _limits = limits;
        _clock = clock ?? TimeProvider.System;
        _schema = new AmazonDynamoDBClient(credentials, new AmazonDynamoDBConfig { ServiceURL = emulator.ToString(), AuthenticationRegion = "us-east-1" });
        _schemas = new KeySchemas(_schema);
        _server = new LoopbackHttpServer(HandleAsync);
    }

    public Uri Endpoint => _server.Endpoint;

    /// <summary>The dynalite behind it, for a test that puts an endpoint of its own in front.</summary>
    public Uri Emulator => _forwarder.Emulator;

    /// <summary>Writes refused because their partition key's allowance was spent.</summary>
    public long ThrottledWrites => Interlocked.Read(ref _throttledWrites);

    /// <summary>
    /// The write units charged so far, as an on-demand table's bill counts write request units: what
    /// each write consumed by its item's size, and one for a write whose condition failed. Metered
    /// only where limits are enforced (where writes are charged at all).
    /// </summary>
    public double WriteUnits => Interlocked.Read(ref _writeMilliUnits) / 1000.0;

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync().ConfigureAwait(false);
        _forwarder.Dispose();
        _schema.Dispose();
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            var (operation, body) = await EmulatorForwarder.ReadCallAsync(context, TargetPrefix).ConfigureAwait(false);
            var (status, response) = _limits.Enforced && WrittenItems.IsWrite(operation)
                ? await WriteAsync(context, operation, body).ConfigureAwait(false)
                : await _forwarder.ForwardAsync(context, body).ConfigureAwait(false);
            await _forwarder.RespondAsync(context, status, response).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or HttpListenerException)
        {
            await _forwarder.RespondAsync(context, HttpStatusCode.InternalServerError, EmulatorForwarder.Error("InternalFailure", $"The local DynamoDB could not reach dynalite: {e.Message}")).ConfigureAwait(false);
        }
    }

    private async Task<(HttpStatusCode, byte[])> WriteAsync(HttpListenerContext context, string operation, byte[] body)
    {
        JsonObject request;
        List<(string Table, string Key)> keys;
        try
        {
            request = JsonNode.Parse(body)!.AsObject();
            keys = await KeysWrittenAsync(operation, request).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or System.Text.Json.JsonException or AmazonDynamoDBException)
        {
            // A write it cannot judge (no such table, a malformed body): dynalite answers it as DynamoDB would.
            return await _forwarder.ForwardAsync(context, body).ConfigureAwait(false);
        }

        if (keys.FirstOrDefault(k => !Budget(k).HasAllowance()) is { Table: not null } hot)
        {
            Interlocked.Increment(ref _throttledWrites);
            return (HttpStatusCode.BadRequest, EmulatorForwarder.Error(Throttled,
                $"The level of configured provisioned throughput for the table was exceeded: partition key {hot.Key} of {hot.Table} is past {_limits.WriteUnitsPerSecondPerKey} write units a second."));
        }

        var askedForCapacity = (string?)request["ReturnConsumedCapacity"] is "TOTAL" or "INDEXES";
        if (!askedForCapacity)
        {
            request["ReturnConsumedCapacity"] = "TOTAL";
        }

        var (status, response) = await _forwarder.ForwardAsync(context, Encoding.UTF8.GetBytes(request.ToJsonString())).ConfigureAwait(false);
        if (status != HttpStatusCode.OK)
        {
            // A failed condition costs a write too; other errors wrote nothing.
            var error = Encoding.UTF8.GetString(response);
            if (error.Contains("ConditionalCheckFailed", StringComparison.Ordinal) || error.Contains("TransactionCanceled", StringComparison.Ordinal))
            {
                ChargeEach(keys, 1);
            }

            return (status, response);
        }

        var answer = JsonNode.Parse(response)!.AsObject();
        var consumed = answer["ConsumedCapacity"] switch
        {
            JsonArray tables => tables.Sum(t => (double?)t?["CapacityUnits"] ?? 0),
            JsonObject table => (double?)table["CapacityUnits"] ?? 0,
            _ => keys.Count,
        };
        // A batch reports capacity per table, not per item: each item's key is charged an equal share.
        ChargeEach(keys, consumed / Math.Max(1, keys.Count));
        if (!askedForCapacity)
        {
            answer.Remove("ConsumedCapacity");
        }

        return (status, Encoding.UTF8.GetBytes(answer.ToJsonString()));
    }

    private void ChargeEach(IReadOnlyCollection<(string Table, string Key)> keys, double units)
    {
        Interlocked.Add(ref _writeMilliUnits, (long)Math.Round(units * keys.Count * 1000));
        foreach (var key in keys)
        {
            Budget(key).Charge(units);
        }
    }

    private async Task<List<(string Table, string Key)>> KeysWrittenAsync(string operation, JsonObject request)
    {
        var keys = new List<(string Table, string Key)>();
        foreach (var (table, itemOrKey, _) in WrittenItems.Of(operation, request))
        {
            var hashKey = (await _schemas.OfAsync(table).ConfigureAwait(false)).Single(k => k.KeyType == KeyType.HASH).AttributeName;
            keys.Add((table, itemOrKey[hashKey]?.ToJsonString() ?? throw new InvalidOperationException($"A write to {table} names no {hashKey}.")));
        }

        return keys;
    }

    private TokenBucket Budget((string Table, string Key) key) =>
        _budgets.GetOrAdd(key, _ => new TokenBucket(_limits.WriteUnitsPerSecondPerKey, _clock));

}
