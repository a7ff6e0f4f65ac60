namespace Replicator.Monitoring;

/// <summary>The lag monitor's environment variable names.</summary>
public static class LagMonitorEnvironment
{
    public const string Region = "AWS_REGION";
    public const string Streams = "MONITORED_STREAMS";
    public const string TargetRegions = "TARGET_REGIONS";
    public const string ConfigTable = Relay.RelayEnvironment.ConfigTable;
    public const string CheckpointTable = Relay.RelayEnvironment.CheckpointTable;

    /// <summary>Endpoint overrides, for the local cloud only.</summary>
    public const string KinesisEndpoint = Relay.RelayEnvironment.SourceKinesisEndpoint;

    /// <summary>The targets' Kinesis endpoints, <c>region=url,…</c> (the stream configuration drift reads their streams).</summary>
    public const string TargetKinesisEndpoints = Failover.FailoverEnvironment.KinesisEndpoints;
    public const string DynamoDbEndpoint = Relay.RelayEnvironment.DynamoDbEndpoint;
}
