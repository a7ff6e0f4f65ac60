namespace Replicator.Relay;

/// <summary>
/// What one source shard tells the watermark about one target, from its checkpoint and a read of the
/// records after it.
/// </summary>
/// <param name="LatestReplicatedCommit">The latest effective commit among the shard's replicated records (the checkpoint's); null when none had one.</param>
/// <param name="EarliestPendingCommit">The earliest effective commit among the unreplicated records read; null when none read had one.</param>
/// <param name="PendingFullyRead">The read reached the shard's tail (or its end, for a closed shard): no unreplicated record went unread.</param>
public sealed record ShardFrontier(DateTimeOffset? LatestReplicatedCommit, DateTimeOffset? EarliestPendingCommit, bool PendingFullyRead);
