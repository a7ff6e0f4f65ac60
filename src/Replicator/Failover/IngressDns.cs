using Amazon.Runtime;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.RoutingControl;
using Replicator.Aws.Route53;

namespace Replicator.Failover;

/// <summary>
/// Points a stream's producers at its source, its hold value or its target: by an UPSERT of the record
/// through Route 53's API (its control plane, in us-east-1), or, where the record is moved by routing
/// controls, by turning the chosen answer's control On and the other two Off in one request to the ARC
/// cluster, which needs no control plane at all.
/// </summary>
public sealed class IngressDns(Route53Client route53, AWSCredentials credentials, HttpClient http)
{
    public const string Source = "source";
    public const string Hold = "hold";
    public const string Target = "target";

    /// <param name="route53Endpoint">Null: Route 53's own (the local cloud passes its stand-in's).</param>
    public static IngressDns Create(string region, AWSCredentials credentials, Uri? route53Endpoint) => new(
        new Route53Client(new AwsServiceOptions(region, credentials, AwsEnvironment.HttpClient) { EndpointOverride = route53Endpoint }),
        credentials,
        AwsEnvironment.HttpClient);

    /// <param name="at"><see cref="Source"/>, <see cref="Hold"/> or <see cref="Target"/>.</param>
    /// <returns>What was done, for the log.</returns>
    public async Task<string> PointAsync(DnsRecord dns, string at, string comment, CancellationToken cancellationToken)
    {
        if (dns.RoutingControls is { } controls)
        {
            var on = Pick(at, controls.SourceArn, controls.HoldArn, controls.TargetArn);
            var entries = new[] { controls.SourceArn, controls.HoldArn, controls.TargetArn }
                .Select(arn => new RoutingControlStateEntry(arn, arn == on ? RoutingControlStateEntry.On : RoutingControlStateEntry.Off))
                .ToList();
            var region = await new RoutingControlClient(controls.ClusterEndpoints, credentials, http).UpdateRoutingControlStatesAsync(entries, cancellationToken).ConfigureAwait(false);
            return $"routing control {on} On, the others Off, through the cluster's {region} endpoint";
        }

        var value = ValueAt(dns, at);
        await route53.ChangeResourceRecordSetsAsync(
            dns.HostedZoneId,
            comment,
            [new RecordChange(RecordChange.Upsert, new ResourceRecordSet(dns.RecordName, dns.RecordType, dns.Ttl, [value]))],
            cancellationToken).ConfigureAwait(false);
        return $"record {dns.RecordName} set to {value}";
    }

    /// <summary>The value DNS answers once pointed <paramref name="at"/>.</summary>
    public static string ValueAt(DnsRecord dns, string at) => Pick(at, dns.SourceValue, dns.HoldValue, dns.TargetValue);

    private static string Pick(string at, string source, string hold, string target) => at switch
    {
        Source => source,
        Hold => hold,
        Target => target,
        _ => throw new Lambda.InvalidFunctionInputException($"DNS can point at {Source}, {Hold} or {Target}, not '{at}'."),
    };
}
