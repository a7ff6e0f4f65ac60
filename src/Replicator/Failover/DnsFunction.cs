using System.Text.Json;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.Route53;
using Replicator.Lambda;
using static Replicator.Lambda.EnvironmentSettings;

namespace Replicator.Failover;

/// <summary>
/// Moves a stream's producers by its routing controls (handler <c>failover-dns</c>): the failover
/// machine calls it where the record is moved that way, since Step Functions has no integration for the
/// ARC cluster's data plane and each call must try the cluster's endpoints in turn. A record changed
/// through Route 53's API the machine changes itself.
/// </summary>
public sealed class DnsFunction(IngressDns dns)
{
    public static LambdaHandler CreateHandler(IReadOnlyDictionary<string, string> environment)
    {
        return new DnsFunction(IngressDns.Create(Required(environment, FailoverEnvironment.Region), AwsEnvironment.Credentials(environment), route53Endpoint: null)).HandleAsync;
    }

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        var request = FunctionInput.Read(payload, FailoverJsonContext.Default.DnsRequest, "failover-dns");
        if (request.Dns.RoutingControls is null)
        {
            throw new InvalidFunctionInputException($"failover-dns: dns.routingControls is missing for {request.StreamName}; a record without routing controls is changed by the machine itself.");
        }

        var done = await dns.PointAsync(request.Dns, request.Point, $"Failover of {request.StreamName}", cancellationToken).ConfigureAwait(false);
        context.Logger.LogInformation($"Producers of {request.StreamName} pointed at {request.Point}: {done}");
        return JsonSerializer.SerializeToUtf8Bytes(new DnsPointed(request.Point, IngressDns.ValueAt(request.Dns, request.Point), done), FailoverJsonContext.Default.DnsPointed);
    }
}

/// <param name="Point">Where the producers go: <see cref="IngressDns.Source"/>, <see cref="IngressDns.Hold"/> or <see cref="IngressDns.Target"/>.</param>
public sealed record DnsRequest(string StreamName, DnsRecord Dns, string Point);

/// <param name="Value">The value DNS answers from now on.</param>
public sealed record DnsPointed(string Point, string Value, string Done);
