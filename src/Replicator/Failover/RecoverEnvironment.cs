namespace Replicator.Failover;

/// <summary>The failover recovery's environment variable names.</summary>
public static class RecoverEnvironment
{
    public const string Region = FailoverEnvironment.Region;
    public const string ConfigTable = Relay.RelayEnvironment.ConfigTable;

    /// <summary>For the local cloud only: the Route 53 endpoint (the stand-in).</summary>
    public const string Route53Endpoint = "REPLICATOR_ROUTE53_ENDPOINT";

    /// <summary>For the local cloud only: this region's DynamoDB endpoint.</summary>
    public const string DynamoDbEndpoint = FailoverEnvironment.DynamoDbEndpoint;
}
