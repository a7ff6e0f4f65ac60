using System.Collections.Concurrent;

namespace Replicator.Aws.Kinesis;

/// <summary>
/// Streams' shards as ListShards last listed them, kept for an execution environment's life: a reshard
/// only adds shards (and closes some), so the list is listed again only when asked for a shard it lacks.
/// </summary>
public sealed class ListedShards(Func<string, CancellationToken, Task<IReadOnlyList<Shard>>> listShards)
{
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, Shard>> _byStream = new(StringComparer.Ordinal);

    /// <summary>
    /// The stream's shards by id, with every one of <paramref name="shardIds"/> that ListShards lists: a
    /// shard the kept list lacks is newer than it, and the stream is listed again.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Shard>> IncludingAsync(string stream, IEnumerable<string> shardIds, CancellationToken cancellationToken)
    {
        if (_byStream.TryGetValue(stream, out var shards) && shardIds.All(shards.ContainsKey))
        {
            return shards;
        }

        return _byStream[stream] = (await listShards(stream, cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.ShardId, StringComparer.Ordinal);
    }

    /// <summary>Lists the stream again next time: a shard in it changed (a parent got its ending sequence number).</summary>
    public void Forget(string stream) => _byStream.TryRemove(stream, out _);
}
