using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

/// <summary>
/// The source stream's shard ids, listed once and kept for a few minutes: the checkpoint's stream-level
/// watermark needs every shard, and an invocation only sees its own. A shard id not in the list
/// (the stream was resharded) makes it list again at once.
/// </summary>
public sealed class StreamShards(KinesisClient source, TimeProvider time)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);
    private readonly Dictionary<string, (IReadOnlyCollection<string> ShardIds, DateTimeOffset ListedAt)> _cache = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public async Task<IReadOnlyCollection<string>> ShardIdsAsync(string streamName, string batchShardId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_cache.TryGetValue(streamName, out var cached) && time.GetUtcNow() - cached.ListedAt < Ttl && cached.ShardIds.Contains(batchShardId))
            {
                return cached.ShardIds;
            }
        }

        var shards = await source.ListShardsAsync(streamName, cancellationToken).ConfigureAwait(false);
        IReadOnlyCollection<string> shardIds = shards.Select(s => s.ShardId).ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            _cache[streamName] = (shardIds, time.GetUtcNow());
        }

        return shardIds;
    }
}
