namespace Replicator.Failover;

/// <summary>The environment variable names of the function that moves consumers (<see cref="ConsumersFunction"/>).</summary>
public static class ConsumersEnvironment
{
    public const string Region = FailoverEnvironment.Region;
    public const string PositionsTable = Relay.RelayEnvironment.PositionsTable;

    /// <summary>For the local cloud only: each region's DynamoDB and Kinesis endpoints, <c>region=url,…</c>.</summary>
    public const string DynamoDbEndpoints = ClaimEnvironment.DynamoDbEndpoints;
    public const string KinesisEndpoints = FailoverEnvironment.KinesisEndpoints;
}
