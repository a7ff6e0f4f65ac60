using Amazon.DynamoDBv2.Model;

namespace Replicator.Relay;

/// <summary>
/// Checkpoints as the relay kept them before each had its own item: attributes of the stream's item,
/// <c>checkpoint:{sourceRegion}:{targetRegion}:{shardId}</c>, or <c>checkpoint:{targetRegion}:{shardId}</c>
/// before checkpoints named their source (then the source was the target's peer). Read until the shard's
/// next batch writes its own item, so an upgrade does not make an idle shard look unreplicated.
/// </summary>
public static class LegacyCheckpoints
{
    private const string Prefix = "checkpoint:";

    public static ShardCheckpoint? Find(IReadOnlyDictionary<string, AttributeValue> streamItem, string sourceRegion, string targetRegion, string shardId)
    {
        if (streamItem.TryGetValue($"{Prefix}{sourceRegion}:{targetRegion}:{shardId}", out var named) && named.M is { } withSource)
        {
            return Read(withSource, sourceRegion, targetRegion, shardId);
        }

        return sourceRegion != targetRegion && streamItem.TryGetValue($"{Prefix}{targetRegion}:{shardId}", out var unnamed) && unnamed.M is { } withoutSource
            ? Read(withoutSource, sourceRegion, targetRegion, shardId)
            : null;
    }

    private static ShardCheckpoint Read(Dictionary<string, AttributeValue> map, string sourceRegion, string targetRegion, string shardId) =>
        new(
            targetRegion,
            shardId,
            map[TableAttributes.SequenceNumber].S.TrimStart('0'),
            // The old relay stood a record's arrival in for a missing commit; such a value cannot be told apart, and it is no later than the arrival.
            map.GetValueOrDefault(TableAttributes.CommitTimestamp)?.S is { } text ? CommitTimestamps.Parse(text) : null,
            sourceRegion);
}
