namespace Replicator.Failover;

/// <summary>The failover state machine's input (events/failover.json is one).</summary>
/// <param name="DrainTimeoutSeconds">How long the drain may take, from the execution's start; then it fails, or with <paramref name="Force"/> goes on and reports what is lost.</param>
/// <param name="SettleSeconds">How long every checkpoint must stay at its shard's tail; at least the DNS record's TTL, so producers still using the old answer are drained too.</param>
public sealed record FailoverInput(
    string StreamName,
    string FromRegion,
    string ToRegion,
    bool Force,
    double DrainTimeoutSeconds,
    double SettleSeconds,
    DnsRecord Dns)
{
    /// <summary>KCL applications to move to the target after the flip and before DNS (docs/consumers.md); left out when null.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ConsumerToMove>? Consumers { get; init; }

    /// <summary>Failback: the same machine with the regions (and their DNS values) swapped.</summary>
    public FailoverInput Swapped() => this with
    {
        FromRegion = ToRegion,
        ToRegion = FromRegion,
        Dns = Dns with
        {
            SourceValue = Dns.TargetValue,
            TargetValue = Dns.SourceValue,
            RoutingControls = Dns.RoutingControls is { } controls ? controls with { SourceArn = controls.TargetArn, TargetArn = controls.SourceArn } : null,
        },
    };
}

/// <summary>The Route 53 record producers resolve to find the stream's active region, and its three values.</summary>
/// <param name="HoldValue">Where the record points while ingress is stopped: a name that accepts nothing.</param>
public sealed record DnsRecord(
    string HostedZoneId,
    string RecordName,
    string RecordType,
    long Ttl,
    string SourceValue,
    string TargetValue,
    string HoldValue)
{
    /// <summary>
    /// Set: the record is moved by ARC routing controls rather than by changing it (docs/failover.md,
    /// "Without the Route 53 control plane"), so no call needs Route 53's control plane in us-east-1.
    /// Left out when null: the machine chooses the mode by whether the field is present.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public RoutingControls? RoutingControls { get; init; }
}

/// <summary>
/// Three routing controls, each the health check of one of the record's three answers (a weighted
/// record per value, made at deploy time): exactly one is On, and DNS answers its value.
/// </summary>
/// <param name="ClusterEndpoints">The cluster's Regional endpoints (DescribeCluster), tried in turn.</param>
public sealed record RoutingControls(IReadOnlyList<Aws.RoutingControl.ClusterEndpoint> ClusterEndpoints, string SourceArn, string HoldArn, string TargetArn);
