namespace Replicator.Telemetry;

/// <summary>
/// Every metric the functions emit, in one place: the code emits these, and the template's alarms and
/// dashboard may only use these (the template tests check that).
/// </summary>
public static class MetricNames
{
    public const string Namespace = "KinesisReplicator";

    public const string RecordsReplicated = "RecordsReplicated";
    public const string BytesReplicated = "BytesReplicated";
    public const string ReplicationLatencyMs = "ReplicationLatencyMs";
    public const string PutRecordsRetries = "PutRecordsRetries";
    public const string ThrottledRecords = "ThrottledRecords";
    public const string GatedRecords = "GatedRecords";
    public const string BatchFailures = "BatchFailures";
    public const string CheckpointLagSeconds = "CheckpointLagSeconds";
    public const string RecordsWithoutCommitTimestamp = "RecordsWithoutCommitTimestamp";
    public const string RecordsBehind = "RecordsBehind";

    /// <summary>1 for a stream and target whose lag the monitor could not measure this minute (a shard refused its read).</summary>
    public const string LagUnmeasured = "LagUnmeasured";

    /// <summary>1 for a stream whose MaxRecordSizeInKiB lets it hold records no invocation can carry to the relay, else 0.</summary>
    public const string RecordSizeBeyondDelivery = "RecordSizeBeyondDelivery";

    /// <summary>How many of a target stream's settings differ from the source's in a way that loses or rejects data (StreamParity).</summary>
    public const string StreamConfigurationDrift = "StreamConfigurationDrift";
    public const string Failovers = "Failovers";
    public const string FailoverRtoSeconds = "FailoverRtoSeconds";
    public const string FailoverRpoRecords = "FailoverRpoRecords";
    public const string CatalogCreated = "CatalogCreated";
    public const string CatalogUpdated = "CatalogUpdated";
    public const string CatalogDeleted = "CatalogDeleted";
    public const string CatalogUnchanged = "CatalogUnchanged";
    public const string CatalogSyncFailures = "CatalogSyncFailures";
    public const string ReplayedRecords = "ReplayedRecords";
    public const string ReplayMaxDuplicates = "ReplayMaxDuplicates";

    public static IReadOnlyList<string> All { get; } =
    [
        RecordsReplicated, BytesReplicated, ReplicationLatencyMs, PutRecordsRetries, ThrottledRecords,
        GatedRecords, BatchFailures, CheckpointLagSeconds, RecordsWithoutCommitTimestamp, RecordsBehind, LagUnmeasured, RecordSizeBeyondDelivery, StreamConfigurationDrift,
        Failovers, FailoverRtoSeconds, FailoverRpoRecords,
        CatalogCreated, CatalogUpdated, CatalogDeleted, CatalogUnchanged, CatalogSyncFailures,
        ReplayedRecords, ReplayMaxDuplicates,
    ];
}
