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
    public const string DynamoDbEndpoint = Relay.RelayEnvironment.DynamoDbEndpoint;
}
