using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace Replicator.Relay;

/// <summary>A stream's checkpoint item, read: every shard's checkpoint per target, and the stream-level watermark.</summary>
/// <param name="StoredWatermark">
/// The watermark's text as stored. Seed 004 stored each record's <c>commitTimestamp</c> as the producer
/// wrote it (empty, with or without fraction or zone, or not a time at all); such a value is read where it
/// parses and is replaced by the first watermark this relay raises past it, never an error.
/// </param>
public sealed record StreamCheckpoints(IReadOnlyList<ShardCheckpoint> Shards, DateTimeOffset? LastReplicatedCommitTimestamp, string? StoredWatermark = null)
{
    /// <summary>Whether the stored watermark is not in this relay's own format, so a lexical comparison with it means nothing.</summary>
    public bool StoredWatermarkIsForeign =>
        StoredWatermark is not null && (LastReplicatedCommitTimestamp is not { } parsed || CommitTimestamps.Format(parsed) != StoredWatermark);

    /// <summary>
    /// The minimum of the checkpointed commit timestamps over every shard of the stream and every target
    /// that has checkpoints: data is replicated at least up to here everywhere. Null while any of those
    /// shards has no checkpoint for one of the targets, since nothing is proven for it yet.
    /// </summary>
    public DateTimeOffset? WatermarkOver(IReadOnlyCollection<string> streamShardIds)
    {
        var targets = Shards.Select(s => s.TargetRegion).Distinct(StringComparer.Ordinal).ToArray();
        if (targets.Length == 0 || streamShardIds.Count == 0)
        {
            return null;
        }

        DateTimeOffset? minimum = null;
        foreach (var target in targets)
        {
            foreach (var shardId in streamShardIds)
            {
                var checkpoint = Shards.FirstOrDefault(s => s.TargetRegion == target && s.ShardId == shardId);
                if (checkpoint is null)
                {
                    return null;
                }

                minimum = minimum is null || checkpoint.CommitTimestamp < minimum ? checkpoint.CommitTimestamp : minimum;
            }
        }

        return minimum;
    }

    /// <summary>
    /// The checkpoints of the relays that read <paramref name="sourceRegion"/>'s stream. A checkpoint
    /// without a source (written when checkpoints did not name it, and two regions meant the source was
    /// the target's peer) counts where the source has none of its own.
    /// </summary>
    public StreamCheckpoints OfSource(string sourceRegion)
    {
        var own = Shards.Where(s => s.SourceRegion == sourceRegion).ToList();
        var unnamed = Shards.Where(s => s.SourceRegion is null && s.TargetRegion != sourceRegion
            && !own.Exists(o => o.TargetRegion == s.TargetRegion && o.ShardId == s.ShardId));
        return new StreamCheckpoints(own.Concat(unnamed).OrderBy(s => s.TargetRegion, StringComparer.Ordinal).ThenBy(s => s.ShardId, StringComparer.Ordinal).ToArray(), LastReplicatedCommitTimestamp, StoredWatermark);
    }

    public static StreamCheckpoints From(IReadOnlyDictionary<string, AttributeValue> item)
    {
        var shards = new List<ShardCheckpoint>();
        foreach (var (name, value) in item)
        {
            if (!name.StartsWith(TableAttributes.CheckpointPrefix, StringComparison.Ordinal) || value.M is null)
            {
                continue;
            }

            // checkpoint:{sourceRegion}:{targetRegion}:{shardId}, or checkpoint:{targetRegion}:{shardId} (no source)
            var parts = name[TableAttributes.CheckpointPrefix.Length..].Split(':');
            var (source, target, shard) = parts.Length == 3 ? (parts[0], parts[1], parts[2]) : ((string?)null, parts[0], parts[^1]);
            shards.Add(new ShardCheckpoint(
                target,
                shard,
                value.M[TableAttributes.SequenceNumber].S.TrimStart('0'),
                Parse(value.M[TableAttributes.CommitTimestamp].S),
                source));
        }

        var stored = item.TryGetValue(TableAttributes.LastReplicatedCommitTimestamp, out var wm) ? wm.S : null;
        var watermark = DateTimeOffset.TryParse(stored, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed) ? parsed : (DateTimeOffset?)null;
        return new StreamCheckpoints(shards.OrderBy(s => s.TargetRegion, StringComparer.Ordinal).ThenBy(s => s.ShardId, StringComparer.Ordinal).ToArray(), watermark, stored);
    }

    private static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
