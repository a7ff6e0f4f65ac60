namespace Replicator.Consumers;

/// <summary>A shard of the new region's stream, as ListShards tells it.</summary>
public sealed record TargetShard(string ShardId, IReadOnlyList<string> ParentShardIds, string StartingHashKey, string EndingHashKey, bool Closed)
{
    public static TargetShard From(Aws.Kinesis.Shard shard) => new(
        shard.ShardId,
        new[] { shard.ParentShardId, shard.AdjacentParentShardId }.OfType<string>().ToList(),
        shard.HashKeyRange.StartingHashKey,
        shard.HashKeyRange.EndingHashKey,
        shard.SequenceNumberRange.EndingSequenceNumber is not null);
}
