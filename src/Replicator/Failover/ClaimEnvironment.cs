namespace Replicator.Failover;

/// <summary>The environment variable names of the functions that reach every region's replica of the config table (the claim, and the recovery that releases it).</summary>
public static class ClaimEnvironment
{
    public const string Region = FailoverEnvironment.Region;
    public const string ConfigTable = Relay.RelayEnvironment.ConfigTable;

    /// <summary>This stack's ReplicationTargetRegions: with every stack listing all the others, these and this region hold the config table's replicas.</summary>
    public const string TargetRegions = FailoverEnvironment.TargetRegions;

    /// <summary>For the local cloud only: <c>region=url,region=url</c>, the DynamoDB endpoint of each region's replica.</summary>
    public const string DynamoDbEndpoints = "REPLICATOR_DYNAMODB_ENDPOINTS";
}
