using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.Kinesis;

namespace Replicator.LocalCloud.Limits;

/// <summary>
/// A Kinesis endpoint in front of kinesalite that is as strict as Kinesis (<see cref="KinesisLimits"/>):
/// per shard, a PutRecords record beyond the write allowance fails with
/// <c>ProvisionedThroughputExceededException</c> while the others land (PutRecord fails whole), a
/// GetRecords beyond the read allowance is refused, and a share of PutRecords requests land their
/// records of a shard in another order than the request's. It also keeps what kinesalite lacks of a
/// stream's record size: <c>UpdateMaxRecordSize</c> and the <c>MaxRecordSizeInKiB</c> that
/// DescribeStreamSummary then reports (kinesalite itself still refuses records above 1 MiB),
/// UpdateShardCount (<see cref="UniformScaling"/>) and on-demand streams (<see cref="OnDemandScaling"/>).
/// Every other call passes through.
/// </summary>
public sealed class StrictKinesis : IAsyncDisposable
{
    private const string TargetPrefix = "Kinesis_20131202.";

    private readonly EmulatorForwarder _forwarder;
    private readonly KinesisLimits _limits;
    private readonly TimeProvider _clock;
    private readonly ShardMap _shards;
    private readonly ConcurrentDictionary<(string Stream, string Shard), ShardBudget> _budgets = new();
    private readonly ConcurrentDictionary<string, (string Stream, string Shard, long IssuedAt)> _iterators = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _maxRecordKiB = new(StringComparer.Ordinal);
    private readonly Random _reorder;
    private readonly Lock _reorderGate = new();
    private readonly LoopbackHttpServer _server;
    private long _throttledRecords;
    private long _throttledReads;
    private long _reorderedRequests;
    private int _disposed;

    /// <param name="emulator">kinesalite's endpoint; the shard map reads it directly, in <paramref name="region"/>, with <paramref name="credentials"/>.</param>
    public StrictKinesis(Uri emulator, string region, AWSCredentials credentials, KinesisLimits limits, TimeProvider? clock = null)
    {
        _forwarder = new EmulatorForwarder(emulator, "application/x-amz-json-1.1");
        _limits = limits;
        _clock = clock ?? TimeProvider.System;
        var direct = new KinesisClient(new AwsServiceOptions(region, credentials, AwsEnvironment.HttpClient) { EndpointOverride = emulator });
        _shards = new ShardMap(direct);
        Scaling = new UniformScaling(direct, _shards.Forget, _clock);
        OnDemand = new OnDemandScaling(direct, _shards.Forget, limits, _clock);
        _reorder = new Random(limits.Seed);
        _server = new LoopbackHttpServer(HandleAsync);
    }

    public Uri Endpoint => _server.Endpoint;

    /// <summary>UpdateShardCount, which kinesalite lacks; its scalings run after the call answers.</summary>
    public UniformScaling Scaling { get; }

    /// <summary>On-demand streams, which kinesalite lacks: created with four shards, split as their writes grow.</summary>
    public OnDemandScaling OnDemand { get; }

    /// <summary>The kinesalite behind it, for a test that puts an endpoint of its own in front.</summary>
    public Uri Emulator => _forwarder.Emulator;

    /// <summary>Records refused for a shard's write allowance.</summary>
    public long ThrottledRecords => Interlocked.Read(ref _throttledRecords);

    /// <summary>GetRecords calls refused for a shard's read allowance.</summary>
    public long ThrottledReads => Interlocked.Read(ref _throttledReads);

    /// <summary>PutRecords requests whose records of a shard landed in another order than the request's.</summary>
    public long ReorderedRequests => Interlocked.Read(ref _reorderedRequests);

    public async ValueTask DisposeAsync()
    {
        // A regional outage stops it before the cloud is disposed.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _server.DisposeAsync().ConfigureAwait(false);
        _forwarder.Dispose();
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            var (operation, body) = await EmulatorForwarder.ReadCallAsync(context, TargetPrefix).ConfigureAwait(false);
            var (status, response) = operation switch
            {
                "PutRecords" when _limits.Enforced || _limits.ReorderShare > 0 => await PutRecordsAsync(context, body).ConfigureAwait(false),
                "PutRecord" when _limits.Enforced => await PutRecordAsync(context, body).ConfigureAwait(false),
                "GetShardIterator" when _limits.Enforced => await GetShardIteratorAsync(context, body).ConfigureAwait(false),
                "GetRecords" when _limits.Enforced => await GetRecordsAsync(context, body).ConfigureAwait(false),
                "UpdateMaxRecordSize" => UpdateMaxRecordSize(body),
                "UpdateShardCount" => await UpdateShardCountAsync(body).ConfigureAwait(false),
                "SplitShard" or "MergeShards" => Resharded(body, await _forwarder.ForwardAsync(context, body).ConfigureAwait(false)),
                "DescribeStreamSummary" => WithWhatKinesaliteLacks(body, await _forwarder.ForwardAsync(context, body).ConfigureAwait(false)),
                "CreateStream" => await CreateStreamAsync(context, body).ConfigureAwait(false),
                _ => await _forwarder.ForwardAsync(context, body).ConfigureAwait(false),
            };
            await _forwarder.RespondAsync(context, status, response).ConfigureAwait(false);
        }
        catch (Replicator.Aws.Json.AwsServiceException e)
        {
            // Reading the stream's shards failed (it does not exist, say): kinesalite answers the call itself, as Kinesis would.
            await _forwarder.RespondAsync(context, e.StatusCode, EmulatorForwarder.Error(e.ErrorCode, e.Message)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or HttpListenerException)
        {
            await _forwarder.RespondAsync(context, HttpStatusCode.InternalServerError, EmulatorForwarder.Error("InternalFailure", $"The local Kinesis could not reach kinesalite: {e.Message}")).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or System.Text.Json.JsonException)
        {
            // A request it cannot judge (no open shard for a key, a body that is not JSON) is answered, never left hanging.
            await _forwarder.RespondAsync(context, HttpStatusCode.BadRequest, EmulatorForwarder.Error("InvalidArgumentException", $"The local Kinesis could not judge the request: {e.Message}")).ConfigureAwait(false);
        }
    }

    private async Task<(HttpStatusCode, byte[])> PutRecordsAsync(HttpListenerContext context, byte[] body)
    {
        var request = JsonNode.Parse(body)!;
        var stream = StreamName(request);
        var records = request["Records"]!.AsArray();
        var shardOf = new string[records.Count];
        var admitted = new List<int>();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i]!;
            shardOf[i] = await _shards.ShardOfAsync(stream, record["PartitionKey"]!.GetValue<string>(), (string?)record["ExplicitHashKey"], CancellationToken.None).ConfigureAwait(false);
            var bytes = RecordBytes(record);
            if (!_limits.Enforced || Budget(stream, shardOf[i]).TryWrite(bytes))
            {
                admitted.Add(i);
                OnDemand.Admitted(stream, shardOf[i], bytes);
            }
        }

        var results = new JsonNode?[records.Count];
        foreach (var refused in Enumerable.Range(0, records.Count).Except(admitted))
        {
            Interlocked.Increment(ref _throttledRecords);
            results[refused] = new JsonObject
            {
                ["ErrorCode"] = "ProvisionedThroughputExceededException",
                ["ErrorMessage"] = $"Rate exceeded for shard {shardOf[refused]} in stream {stream} under account 123456789012.",
            };
        }

        if (admitted.Count > 0)
        {
            var landing = LandingOrder(admitted, shardOf);
            var forwarded = new JsonObject
            {
                ["StreamName"] = stream,
                ["Records"] = new JsonArray(landing.Select(i => records[i]!.DeepClone()).ToArray()),
            };
            var (status, response) = await _forwarder.ForwardAsync(context, Encoding.UTF8.GetBytes(forwarded.ToJsonString())).ConfigureAwait(false);
            if (status != HttpStatusCode.OK)
            {
                return (status, response);
            }

            var landed = JsonNode.Parse(response)!["Records"]!.AsArray();
            for (var i = 0; i < landing.Count; i++)
            {
                results[landing[i]] = landed[i]!.DeepClone();
            }
        }

        var answer = new JsonObject
        {
            ["FailedRecordCount"] = results.Count(r => r?["ErrorCode"] is not null),
            ["Records"] = new JsonArray(results),
        };
        return (HttpStatusCode.OK, Encoding.UTF8.GetBytes(answer.ToJsonString()));
    }

    /// <summary>The admitted records in the order they land: the request's, or for a share of requests each shard's records reversed.</summary>
    private List<int> LandingOrder(List<int> admitted, string[] shardOf)
    {
        var byShard = admitted.GroupBy(i => shardOf[i]).ToList();
        bool reorder;
        lock (_reorderGate)
        {
            reorder = byShard.Any(g => g.Count() > 1) && _reorder.NextDouble() < _limits.ReorderShare;
        }

        if (!reorder)
        {
            return admitted;
        }

        Interlocked.Increment(ref _reorderedRequests);
        return byShard.SelectMany(g => g.Reverse()).ToList();
    }

    private async Task<(HttpStatusCode, byte[])> PutRecordAsync(HttpListenerContext context, byte[] body)
    {
        var request = JsonNode.Parse(body)!;
        var stream = StreamName(request);
        var shard = await _shards.ShardOfAsync(stream, request["PartitionKey"]!.GetValue<string>(), (string?)request["ExplicitHashKey"], CancellationToken.None).ConfigureAwait(false);
        var bytes = RecordBytes(request);
        if (!Budget(stream, shard).TryWrite(bytes))
        {
            Interlocked.Increment(ref _throttledRecords);
            return (HttpStatusCode.BadRequest, EmulatorForwarder.Error("ProvisionedThroughputExceededException", $"Rate exceeded for shard {shard} in stream {stream} under account 123456789012."));
        }

        OnDemand.Admitted(stream, shard, bytes);
        return await _forwarder.ForwardAsync(context, body).ConfigureAwait(false);
    }

    private async Task<(HttpStatusCode, byte[])> GetShardIteratorAsync(HttpListenerContext context, byte[] body)
    {
        var request = JsonNode.Parse(body)!;
        var (status, response) = await _forwarder.ForwardAsync(context, body).ConfigureAwait(false);
        if (status == HttpStatusCode.OK && (string?)JsonNode.Parse(response)!["ShardIterator"] is { } iterator)
        {
            Remember(iterator, StreamName(request), request["ShardId"]!.GetValue<string>());
        }

        return (status, response);
    }

    private async Task<(HttpStatusCode, byte[])> GetRecordsAsync(HttpListenerContext context, byte[] body)
    {
        var iterator = JsonNode.Parse(body)!["ShardIterator"]!.GetValue<string>();
        if (!_iterators.TryGetValue(iterator, out var shard))
        {
            // Not one this endpoint issued (or expired): Kinesis would refuse it, and so does kinesalite.
            return await _forwarder.ForwardAsync(context, body).ConfigureAwait(false);
        }

        var budget = Budget(shard.Stream, shard.Shard);
        if (!budget.TryRead())
        {
            Interlocked.Increment(ref _throttledReads);
            return (HttpStatusCode.BadRequest, EmulatorForwarder.Error("ProvisionedThroughputExceededException", $"Rate exceeded for Shard - 123456789012/{shard.Stream}/{shard.Shard}"));
        }

        var (status, response) = await _forwarder.ForwardAsync(context, body).ConfigureAwait(false);
        if (status == HttpStatusCode.OK)
        {
            var page = JsonNode.Parse(response)!;
            budget.Read(page["Records"]!.AsArray().Sum(r => (long)RecordBytes(r!)));
            if ((string?)page["NextShardIterator"] is { } next)
            {
                Remember(next, shard.Stream, shard.Shard);
            }
        }

        return (status, response);
    }

    /// <summary>The range the UpdateMaxRecordSize API reference gives: 1024 to 10240 KiB, else a ValidationException.</summary>
    private (HttpStatusCode, byte[]) UpdateMaxRecordSize(byte[] body)
    {
        var request = JsonNode.Parse(body)!;
        var kiB = (int?)request["MaxRecordSizeInKiB"];
        if (kiB is not (>= 1024 and <= 10240))
        {
            return (HttpStatusCode.BadRequest, EmulatorForwarder.Error("ValidationException", $"MaxRecordSizeInKiB must be between 1024 and 10240, was {kiB?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}."));
        }

        _maxRecordKiB[StreamName(request)] = kiB.Value;
        return (HttpStatusCode.OK, "{}"u8.ToArray());
    }

    private async Task<(HttpStatusCode, byte[])> UpdateShardCountAsync(byte[] body)
    {
        var request = JsonNode.Parse(body)!;
        if ((string?)request["ScalingType"] != "UNIFORM_SCALING" || (int?)request["TargetShardCount"] is not (> 0 and var target))
        {
            return (HttpStatusCode.BadRequest, EmulatorForwarder.Error("ValidationException", "UpdateShardCount needs ScalingType UNIFORM_SCALING and a positive TargetShardCount."));
        }

        if (OnDemand.IsOnDemand(StreamName(request)))
        {
            return (HttpStatusCode.BadRequest, EmulatorForwarder.Error("ValidationException", $"{StreamName(request)} is an ON_DEMAND stream: Kinesis decides its shards, and UpdateShardCount is for PROVISIONED streams."));
        }

        try
        {
            var (response, _) = await Scaling.StartAsync(new UpdateShardCountRequest(StreamName(request), target), CancellationToken.None).ConfigureAwait(false);
            return (HttpStatusCode.OK, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new JsonObject
            {
                ["StreamName"] = response.StreamName,
                ["CurrentShardCount"] = response.CurrentShardCount,
                ["TargetShardCount"] = response.TargetShardCount,
            }));
        }
        catch (ReshardRefusedException e)
        {
            return (HttpStatusCode.BadRequest, EmulatorForwarder.Error(e.ErrorCode, e.Message));
        }
    }

    /// <summary>After a split or merge the stream's open shards are others: records go by the new hash key ranges.</summary>
    private (HttpStatusCode, byte[]) Resharded(byte[] body, (HttpStatusCode Status, byte[] Body) answer)
    {
        _shards.Forget(StreamName(JsonNode.Parse(body)!));
        return answer;
    }

    /// <summary>
    /// CreateStream with StreamModeDetails ON_DEMAND (the API refuses a ShardCount with it) becomes a
    /// four-shard kinesalite stream that <see cref="OnDemand"/> splits as its writes grow.
    /// </summary>
    private async Task<(HttpStatusCode, byte[])> CreateStreamAsync(HttpListenerContext context, byte[] body)
    {
        var request = JsonNode.Parse(body)!.AsObject();
        if ((string?)request["StreamModeDetails"]?["StreamMode"] != StreamModes.OnDemand)
        {
            return await _forwarder.ForwardAsync(context, body).ConfigureAwait(false);
        }

        if (request["ShardCount"] is not null)
        {
            return (HttpStatusCode.BadRequest, EmulatorForwarder.Error("ValidationException", "ShardCount is for PROVISIONED streams; an ON_DEMAND stream takes none."));
        }

        request.Remove("StreamModeDetails");
        request["ShardCount"] = OnDemandScaling.InitialShards;
        var answer = await _forwarder.ForwardAsync(context, Encoding.UTF8.GetBytes(request.ToJsonString())).ConfigureAwait(false);
        if (answer.Status == HttpStatusCode.OK)
        {
            OnDemand.Add(StreamName(request));
        }

        return answer;
    }

    /// <summary>DescribeStreamSummary with the stream's mode and maximum record size, which kinesalite does not keep.</summary>
    private (HttpStatusCode, byte[]) WithWhatKinesaliteLacks(byte[] body, (HttpStatusCode Status, byte[] Body) answer)
    {
        if (answer.Status != HttpStatusCode.OK)
        {
            return answer;
        }

        var stream = StreamName(JsonNode.Parse(body)!);
        var response = JsonNode.Parse(answer.Body)!;
        var summary = response["StreamDescriptionSummary"]!;
        summary["StreamModeDetails"] = new JsonObject { ["StreamMode"] = OnDemand.IsOnDemand(stream) ? StreamModes.OnDemand : StreamModes.Provisioned };
        if (_maxRecordKiB.TryGetValue(stream, out var kiB))
        {
            summary["MaxRecordSizeInKiB"] = kiB;
        }

        return (HttpStatusCode.OK, Encoding.UTF8.GetBytes(response.ToJsonString()));
    }

    /// <summary>Iterators live five minutes in Kinesis; older ones are forgotten here too.</summary>
    private void Remember(string iterator, string stream, string shard)
    {
        var now = _clock.GetTimestamp();
        _iterators[iterator] = (stream, shard, now);
        if (_iterators.Count > 10_000)
        {
            foreach (var old in _iterators.Where(i => _clock.GetElapsedTime(i.Value.IssuedAt, now) > TimeSpan.FromMinutes(5)).Select(i => i.Key).ToList())
            {
                _iterators.TryRemove(old, out _);
            }
        }
    }

    /// <summary>What Kinesis counts of a record against a shard's limits: its data (decoded) and its partition key.</summary>
    private static int RecordBytes(JsonNode record) =>
        new Base64Data(Encoding.UTF8.GetBytes(record["Data"]!.GetValue<string>())).Length + Encoding.UTF8.GetByteCount(record["PartitionKey"]!.GetValue<string>());

    private ShardBudget Budget(string stream, string shard) => _budgets.GetOrAdd((stream, shard), _ => new ShardBudget(_limits, _clock));

    private static string StreamName(JsonNode request) =>
        (string?)request["StreamName"] ?? ((string?)request["StreamARN"])?.Split('/')[^1] ?? throw new InvalidOperationException("The request names no stream.");
}
