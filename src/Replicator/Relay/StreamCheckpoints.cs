using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace Replicator.Relay;

/// <summary>A stream's checkpoint item, read: every shard's checkpoint per target, and the stream-level watermark.</summary>
public sealed record StreamCheckpoints(IReadOnlyList<ShardCheckpoint> Shards, DateTimeOffset? LastReplicatedCommitTimestamp)
{
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

    public static StreamCheckpoints From(IReadOnlyDictionary<string, AttributeValue> item)
    {
        var shards = new List<ShardCheckpoint>();
        foreach (var (name, value) in item)
        {
            if (!name.StartsWith(TableAttributes.CheckpointPrefix, StringComparison.Ordinal) || value.M is null)
            {
                continue;
            }

            // checkpoint:{targetRegion}:{shardId}
            var rest = name[TableAttributes.CheckpointPrefix.Length..];
            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            shards.Add(new ShardCheckpoint(
                rest[..colon],
                rest[(colon + 1)..],
                value.M[TableAttributes.SequenceNumber].S.TrimStart('0'),
                Parse(value.M[TableAttributes.CommitTimestamp].S)));
        }

        var watermark = item.TryGetValue(TableAttributes.LastReplicatedCommitTimestamp, out var wm) && wm.S is { } text ? Parse(text) : (DateTimeOffset?)null;
        return new StreamCheckpoints(shards.OrderBy(s => s.TargetRegion, StringComparer.Ordinal).ThenBy(s => s.ShardId, StringComparer.Ordinal).ToArray(), watermark);
    }

    private static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
