namespace Replicator.Failover;

/// <summary>The failover functions' environment variable names.</summary>
public static class FailoverEnvironment
{
    public const string Region = "AWS_REGION";
    public const string CheckpointTable = Relay.RelayEnvironment.CheckpointTable;

    /// <summary>
    /// This stack's ReplicationTargetRegions, as the lag monitor gets them. Every region's stack lists
    /// all the others, so the regions the failover's source feeds are these and this one, less the source.
    /// </summary>
    public const string TargetRegions = Monitoring.LagMonitorEnvironment.TargetRegions;

    /// <summary>For the local cloud only: <c>region=url,region=url</c>, the Kinesis endpoint of each region.</summary>
    public const string KinesisEndpoints = "REPLICATOR_KINESIS_ENDPOINTS";

    /// <summary>For the local cloud only: this region's DynamoDB endpoint.</summary>
    public const string DynamoDbEndpoint = Relay.RelayEnvironment.DynamoDbEndpoint;
}
