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
    /// <summary>Failback: the same machine with the regions (and their DNS values) swapped.</summary>
    public FailoverInput Swapped() => this with
    {
        FromRegion = ToRegion,
        ToRegion = FromRegion,
        Dns = Dns with { SourceValue = Dns.TargetValue, TargetValue = Dns.SourceValue },
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
    string HoldValue);
