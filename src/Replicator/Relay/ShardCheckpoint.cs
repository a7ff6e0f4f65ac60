namespace Replicator.Relay;

/// <summary>How far one shard is replicated to one target: the last record of its contiguous durable prefix.</summary>
/// <param name="CommitTimestamp">
/// The latest effective commit timestamp among the shard's replicated records (<see cref="CommitTimestamps.Effective"/>);
/// null while none of them had one.
/// </param>
/// <param name="SourceRegion">
/// The region whose stream the shard is in. Every region's stream has the same name and the same shard
/// ids, so with more than two regions a target is fed by whichever region is active, each with its own
/// sequence numbers. Null for a checkpoint written before checkpoints named their source.
/// </param>
public sealed record ShardCheckpoint(string TargetRegion, string ShardId, string SequenceNumber, DateTimeOffset? CommitTimestamp, string? SourceRegion = null);
