namespace Replicator.Relay;

/// <summary>
/// The relay's environment variable names, in one place. The first four are seed 004's names,
/// kept so a user of that sample can switch over the tables they already have.
/// </summary>
public static class RelayEnvironment
{
    public const string SourceRegion = "AWS_REGION";
    public const string TargetRegion = "TARGET_STREAM_REPLICATION_REGION";
    public const string ConfigTable = "DDB_ACTIVE_REGION_CONFIG_TABLE_NAME";
    public const string CheckpointTable = "DDB_CHECKPOINT_TABLE_NAME";

    /// <summary>The relay's position samples (kdsReplicationPositions), from which consumers are translated to the other region.</summary>
    public const string PositionsTable = "DDB_POSITIONS_TABLE_NAME";

    /// <summary>Hours a position sample is kept: at least the stream's retention (default 192: a week and a day).</summary>
    public const string PositionSampleRetentionHours = "POSITION_SAMPLE_RETENTION_HOURS";

    /// <summary>Target stream name when it differs from the source stream's (default: the same name).</summary>
    public const string TargetStreamName = "TARGET_STREAM_NAME";

    /// <summary>Seconds the active-region decision is cached; a failover waits this out before flipping.</summary>
    public const string GateCacheTtlSeconds = "GATE_CACHE_TTL_SECONDS";

    /// <summary>A role in the target's account to assume for writing there (cross-account targets); unset: the function's own role.</summary>
    public const string TargetRoleArn = "TARGET_ROLE_ARN";

    /// <summary><c>strict</c> (default) or <c>packed</c>: see <see cref="RelayOrdering"/>.</summary>
    public const string Ordering = "RELAY_ORDERING";

    /// <summary>Endpoint overrides, for the local cloud only; they win over AWS_ENDPOINT_URL(_&lt;SERVICE&gt;) (see <see cref="Aws.ServiceEndpoints"/>).</summary>
    public const string TargetKinesisEndpoint = "REPLICATOR_TARGET_KINESIS_ENDPOINT";
    public const string SourceKinesisEndpoint = "REPLICATOR_SOURCE_KINESIS_ENDPOINT";
    public const string DynamoDbEndpoint = "REPLICATOR_DYNAMODB_ENDPOINT";
    public const string StsEndpoint = "REPLICATOR_STS_ENDPOINT";
}
