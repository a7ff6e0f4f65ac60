using System.Collections.Concurrent;
using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

/// <summary>
/// Per-key order across a reshard (issue 16): after a split or merge a key's records continue in a child
/// shard, so a child's records may be relayed only once every parent's have been. Lambda's documentation
/// does not promise that its Kinesis mapping holds a child back until its parents are read, so the relay
/// checks it itself. A parent is done for this target when it is closed and nothing follows its
/// checkpoint, replicated or passed over on purpose (<see cref="CheckpointStore.DoneThroughAsync"/>), or
/// when ListShards no longer lists it (it left retention, and its records with it). A done parent stays
/// done, so each is checked until it is, once per execution environment. Every ancestor is checked, not
/// only the parents: a shard that holds no records is relayed to its end at once, whatever its own
/// parents (the property test found this).
/// </summary>
/// <param name="listShards">The stream's shards, as ListShards lists them.</param>
/// <param name="relayedToEnd">Whether a closed parent's records are all relayed to this target (or passed over on purpose).</param>
public sealed class ShardLineage(
    Func<string, CancellationToken, Task<IReadOnlyList<Shard>>> listShards,
    Func<string, Shard, CancellationToken, Task<bool>> relayedToEnd)
{
    /// <summary>
    /// GetRecords may answer empty before the end of a closed shard (the Kinesis API reference: keep
    /// calling); past this many empty pages the parent counts as not done yet, and the batch is retried.
    /// </summary>
    private const int EmptyPagesToFollow = 3;

    private readonly ListedShards _shards = new(listShards);
    private readonly ConcurrentDictionary<(string Stream, string Shard), bool> _done = new();

    /// <summary>The rule over the source stream itself and the checkpoints of <paramref name="targetRegion"/>.</summary>
    public static ShardLineage Over(KinesisClient source, CheckpointStore checkpoints, string sourceRegion, string targetRegion) =>
        new(source.ListShardsAsync, (stream, parent, cancellationToken) => RelayedToEndAsync(source, checkpoints, sourceRegion, targetRegion, stream, parent, cancellationToken));

    /// <summary>
    /// The first ancestor of <paramref name="shardId"/> whose records are not all relayed to this target
    /// yet; null when there is none. Ancestors, not only parents: a parent that holds no records (the mapping
    /// never delivers a batch of it, so it never waited for its own parents) is relayed to its end at once.
    /// </summary>
    public async Task<string?> WaitingForAsync(string stream, string shardId, CancellationToken cancellationToken)
    {
        var shards = await ShardsAsync(stream, shardId, cancellationToken).ConfigureAwait(false);
        return await FirstNotDoneAsync(stream, shards, shards[shardId], cancellationToken).ConfigureAwait(false);
    }

    private async Task<string?> FirstNotDoneAsync(string stream, IReadOnlyDictionary<string, Shard> shards, Shard shard, CancellationToken cancellationToken)
    {
        foreach (var parentId in new[] { shard.ParentShardId, shard.AdjacentParentShardId }.OfType<string>())
        {
            if (_done.ContainsKey((stream, parentId)))
            {
                continue;
            }

            var parent = shards.GetValueOrDefault(parentId);
            if (parent is not null && await FirstNotDoneAsync(stream, shards, parent, cancellationToken).ConfigureAwait(false) is { } ancestor)
            {
                return ancestor;
            }

            if (!await IsDoneAsync(stream, parent, cancellationToken).ConfigureAwait(false))
            {
                return parentId;
            }

            _done[(stream, parentId)] = true;
        }

        return null;
    }

    private async Task<bool> IsDoneAsync(string stream, Shard? parent, CancellationToken cancellationToken)
    {
        if (parent is null)
        {
            // ListShards lists a shard until it leaves retention, and then its records are gone: nothing to wait for.
            return true;
        }

        if (parent.SequenceNumberRange.EndingSequenceNumber is null)
        {
            // The parent is still closing (its child listed before its ending sequence number is): list again next time.
            _shards.Forget(stream);
            return false;
        }

        return await relayedToEnd(stream, parent, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Nothing follows the closed shard's checkpoint for the target: read from just after it, the shard
    /// ends at once. Without a checkpoint, from its first record still in retention.
    /// </summary>
    public static async Task<bool> RelayedToEndAsync(
        KinesisClient source, CheckpointStore checkpoints, string sourceRegion, string targetRegion, string stream, Shard parent, CancellationToken cancellationToken)
    {
        var doneThrough = await checkpoints.DoneThroughAsync(stream, sourceRegion, targetRegion, parent.ShardId, cancellationToken).ConfigureAwait(false);
        var iterator = (await source.GetShardIteratorAsync(
            doneThrough is null
                ? new GetShardIteratorRequest(stream, parent.ShardId, ShardIteratorTypes.TrimHorizon)
                : new GetShardIteratorRequest(stream, parent.ShardId, ShardIteratorTypes.AfterSequenceNumber) { StartingSequenceNumber = doneThrough },
            cancellationToken).ConfigureAwait(false)).ShardIterator;
        for (var page = 0; page < EmptyPagesToFollow; page++)
        {
            var records = await PatientReads.GetRecordsAsync(source, new GetRecordsRequest(iterator) { Limit = 1 }, cancellationToken).ConfigureAwait(false);
            if (records.Records.Count > 0)
            {
                return false;
            }

            if (records.NextShardIterator is not { } next)
            {
                return true;
            }

            iterator = next;
        }

        return false;
    }

    /// <summary>The stream's shards as ListShards describes them, <paramref name="shardId"/> among them.</summary>
    private async Task<IReadOnlyDictionary<string, Shard>> ShardsAsync(string stream, string shardId, CancellationToken cancellationToken)
    {
        var shards = await _shards.IncludingAsync(stream, [shardId], cancellationToken).ConfigureAwait(false);
        return shards.ContainsKey(shardId)
            ? shards
            : throw new InvalidOperationException($"ListShards does not list {shardId} of {stream}, yet the event source mapping delivered a batch from it.");
    }
}
