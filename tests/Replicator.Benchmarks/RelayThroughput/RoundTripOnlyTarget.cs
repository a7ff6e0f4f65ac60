using System.Globalization;
using Replicator.Aws.Kinesis;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;

namespace Replicator.Benchmarks.RelayThroughput;

/// <summary>
/// A target stream that answers every PutRecords at once (the caller adds the round trip), placing each
/// record in one of its shards by the MD5 of its partition key over equal hash-key ranges, as CreateStream
/// makes them, and stamping its arrival. With it, a latency run measures the relay and the event source
/// mapping without the local Kinesis's own time per record; it takes every record (no shard limits), so it
/// serves only runs below the shards' capacity.
/// </summary>
public sealed class RoundTripOnlyTarget(int shards) : IPutRecordsTarget
{
    private readonly UInt128 _rangePerShard = (UInt128.MaxValue / (uint)shards) + 1;
    private readonly Lock _gate = new();
    private readonly List<KinesisRecord>[] _shards = Enumerable.Range(0, shards).Select(_ => new List<KinesisRecord>()).ToArray();
    private long _sequence;

    /// <summary>What each shard holds, in arrival order.</summary>
    public IReadOnlyList<ShardContents> Contents
    {
        get
        {
            lock (_gate)
            {
                return _shards.Select((records, i) => new ShardContents(ShardId(i), [.. records])).ToArray();
            }
        }
    }

    public Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken)
    {
        var arrival = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var results = new List<PutRecordsResultEntry>(request.Records.Count);
        lock (_gate)
        {
            foreach (var entry in request.Records)
            {
                var shard = (int)(TargetShardPacing.HashKey(entry.PartitionKey) / _rangePerShard);
                var sequenceNumber = (++_sequence).ToString("D20", CultureInfo.InvariantCulture);
                _shards[shard].Add(new KinesisRecord(sequenceNumber, entry.Data.ToArray(), entry.PartitionKey, arrival));
                results.Add(new PutRecordsResultEntry(sequenceNumber, ShardId(shard), null, null));
            }
        }

        return Task.FromResult(new PutRecordsResponse(0, results));
    }

    private static string ShardId(int index) => $"shardId-{index:D12}";
}
