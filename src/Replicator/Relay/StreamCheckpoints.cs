using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace Replicator.Relay;

/// <summary>A stream's checkpoint item, read: every shard's checkpoint per target, and the stream-level watermark.</summary>
public sealed record StreamCheckpoints(IReadOnlyList<ShardCheckpoint> Shards, DateTimeOffset? LastReplicatedCommitTimestamp)
{
    /// <summary>
    /// The minimum over shards of their checkpointed commit timestamps: data is replicated at least up to here
    /// on every shard that has a checkpoint. A shard that never received a record has no checkpoint and does not count.
    /// </summary>
    public DateTimeOffset? Watermark => Shards.Count == 0 ? null : Shards.Min(s => s.CommitTimestamp);

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
