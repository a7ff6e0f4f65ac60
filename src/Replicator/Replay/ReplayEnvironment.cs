namespace Replicator.Replay;

/// <summary>The replay functions' environment variable names.</summary>
public static class ReplayEnvironment
{
    public const string Region = "AWS_REGION";
    public const string ArchiveBucket = "REPLAY_ARCHIVE_BUCKET";
    public const string ProgressTable = "DDB_REPLAY_PROGRESS_TABLE_NAME";

    /// <summary>The archive's tenant field (empty for none): a tenant's replay picks its records among those over the partition quota by it.</summary>
    public const string TenantField = Archive.ArchiveEnvironment.TenantField;

    /// <summary>The tenants listed at deploy: a tenant's replay files the records over the partition quota as the archive did (<c>_unlisted</c> for others).</summary>
    public const string Tenants = Archive.ArchiveEnvironment.Tenants;

    /// <summary>Records per chunk: a lane checkpoints after every chunk of durable records and sends at most two past its checkpoint (default 1000).</summary>
    public const string ChunkRecords = "REPLAY_CHUNK_RECORDS";

    /// <summary>Optional: a lane invocation hands back a continuation after this many chunks, as it does when its time runs short.</summary>
    public const string MaxChunksPerInvocation = "REPLICATOR_REPLAY_MAX_CHUNKS_PER_INVOCATION";

    /// <summary>For the local cloud only: <c>region=url,region=url</c>, the Kinesis endpoint of each region.</summary>
    public const string KinesisEndpoints = Failover.FailoverEnvironment.KinesisEndpoints;

    /// <summary>For the local cloud only: this region's S3 endpoint.</summary>
    public const string S3Endpoint = "REPLICATOR_S3_ENDPOINT";

    /// <summary>For the local cloud only: this region's DynamoDB endpoint.</summary>
    public const string DynamoDbEndpoint = Relay.RelayEnvironment.DynamoDbEndpoint;

    /// <summary>What only the plan reads.</summary>
    public static class PlanOnly
    {
        /// <summary>The relay's checkpoints: where an at-risk replay starts.</summary>
        public const string CheckpointTable = Relay.RelayEnvironment.CheckpointTable;
    }
}
