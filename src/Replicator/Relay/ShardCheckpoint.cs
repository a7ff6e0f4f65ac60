namespace Replicator.Relay;

/// <summary>How far one shard is replicated to one target: the last record of its contiguous durable prefix.</summary>
public sealed record ShardCheckpoint(string TargetRegion, string ShardId, string SequenceNumber, DateTimeOffset CommitTimestamp);
