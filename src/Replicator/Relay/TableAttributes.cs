namespace Replicator.Relay;

/// <summary>
/// Attribute names of kdsActiveRegionConfig and kdsReplicationCheckpoint. <c>streamName</c>,
/// <c>activeRegion</c> and <c>lastReplicatedCommitTimestamp</c> are seed 004's and must not change.
/// </summary>
public static class TableAttributes
{
    public const string StreamName = "streamName";
    public const string ActiveRegion = "activeRegion";

    /// <summary>Incremented by every failover write; writes are conditional on the version read.</summary>
    public const string Version = "version";

    /// <summary><c>active</c> (or absent, as seed 004 writes it), <c>draining</c> or <c>fenced</c>.</summary>
    public const string State = "state";

    /// <summary>ISO 8601 time a failover made <c>activeRegion</c> active; records that arrived earlier are replicas.</summary>
    public const string ActiveSince = "activeSince";

    public const string LastReplicatedCommitTimestamp = "lastReplicatedCommitTimestamp";

    /// <summary>Written by a failover's flip: the commit time producers re-produce from into the new active region (issue 17).</summary>
    public const string ResumeProducersFrom = "resumeProducersFrom";

    /// <summary>A checkpoint item's plain attributes, beside its key (<see cref="CheckpointKeys"/>), for whoever reads the table.</summary>
    public const string Stream = "stream";
    public const string SourceRegion = "sourceRegion";
    public const string TargetRegion = "targetRegion";
    public const string ShardId = "shardId";

    public const string SequenceNumber = "sequenceNumber";
    public const string CommitTimestamp = "commitTimestamp";

    /// <summary>
    /// The last record of the shard the relay consumed on purpose without copying (the region was not
    /// active, or the records were replicas): never read as replicated, only as done (<see cref="ShardLineage"/>).
    /// </summary>
    public const string PassedOverSequenceNumber = "passedOverSequenceNumber";
    public const string UpdatedAt = "updatedAt";

    /// <summary>
    /// When DynamoDB's TTL may delete a closed, done shard's checkpoint item (epoch seconds, the type TTL
    /// reads); set by the lag monitor (<c>ClosedShardRetirement</c>), never on an open shard's item.
    /// </summary>
    public const string ExpiresAt = "expiresAt";
}
