using Replicator.Aws.Kinesis;
using Replicator.Relay;

namespace Replicator.Monitoring;

/// <summary>
/// Closed shards' checkpoint items would otherwise pile up with every reshard (issue 16): once a
/// closed shard is relayed to its end for a target (replicated, or passed over where the region is
/// not active), its item gets an expiry for DynamoDB's TTL. The expiry is the stream's retention plus
/// <see cref="Margin"/> from now: the shard closed before now, so by then its records have left
/// retention, and the lineage check, which reads a parent without a checkpoint from its first record,
/// finds nothing left to wait for (<see cref="ShardLineage"/>). Until then the item is what tells a
/// child's relay that its parent is done.
/// </summary>
public sealed class ClosedShardRetirement(KinesisClient source, CheckpointStore checkpoints, string sourceRegion, TimeProvider time)
{
    /// <summary>Kinesis trims expired records in the background, not on the hour: a day's slack before the item may go.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromDays(1);

    /// <returns>Per target, the shards whose items this call set to expire (targets with none left out).</returns>
    public async Task<IReadOnlyList<ExpiringCheckpoints>> RetireAsync(string streamName, IReadOnlyList<string> targetRegions, int retentionHours, CancellationToken cancellationToken)
    {
        var closed = (await source.ListShardsAsync(streamName, cancellationToken).ConfigureAwait(false))
            .Where(s => s.SequenceNumberRange.EndingSequenceNumber is not null)
            .ToDictionary(s => s.ShardId, StringComparer.Ordinal);
        if (closed.Count == 0)
        {
            return [];
        }

        var expiresAt = time.GetUtcNow() + TimeSpan.FromHours(retentionHours) + Margin;
        var expiring = new List<ExpiringCheckpoints>();
        foreach (var target in targetRegions)
        {
            var retired = new List<string>();
            foreach (var shardId in await checkpoints.WithoutExpiryAsync(streamName, sourceRegion, target, closed.Keys, cancellationToken).ConfigureAwait(false))
            {
                if (await ShardLineage.RelayedToEndAsync(source, checkpoints, sourceRegion, target, streamName, closed[shardId], cancellationToken).ConfigureAwait(false)
                    && await checkpoints.ExpireAsync(streamName, sourceRegion, target, shardId, expiresAt, cancellationToken).ConfigureAwait(false))
                {
                    retired.Add(shardId);
                }
            }

            if (retired.Count > 0)
            {
                expiring.Add(new ExpiringCheckpoints(streamName, target, retired));
            }
        }

        return expiring;
    }
}
