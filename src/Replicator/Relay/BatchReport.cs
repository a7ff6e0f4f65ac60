namespace Replicator.Relay;

/// <summary>What one invocation did, for the log line and metrics. Never holds payload bytes.</summary>
/// <param name="GatedRecords">Records consumed without replicating: the whole batch when the region is not active, or the replicas at its start.</param>
/// <param name="CheckpointedCommit">The commit timestamp the checkpoint took (the latest of the durable records), when any are durable.</param>
public sealed record BatchReport(
    string StreamName,
    string ShardId,
    int Records,
    int Replicated,
    long BytesReplicated,
    int GatedRecords,
    int Requests,
    int RetriedRecords,
    int ThrottledRecords,
    int RecordsWithoutCommitTimestamp,
    string? FirstFailedSequenceNumber,
    CheckpointAdvance? Checkpoint,
    DateTimeOffset? CheckpointedCommit)
{
    /// <summary>The parent shard whose records must all be replicated before this batch may be (<see cref="ShardLineage"/>).</summary>
    public string? WaitingForParentShard { get; init; }
}
