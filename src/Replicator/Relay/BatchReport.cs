namespace Replicator.Relay;

/// <summary>What one invocation did, for the log line and metrics. Never holds payload bytes.</summary>
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
    CheckpointAdvance? Checkpoint);
