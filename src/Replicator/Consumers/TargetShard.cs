namespace Replicator.Consumers;

/// <summary>A shard of the new region's stream, as ListShards tells it.</summary>
public sealed record TargetShard(string ShardId, IReadOnlyList<string> ParentShardIds, string StartingHashKey, string EndingHashKey, bool Closed);
