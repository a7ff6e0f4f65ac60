using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;

namespace Replicator.Aws.Json;

/// <summary>
/// The smallest ClientConfig AWSSDK.Core's SigV4 signer needs for a service that has no SDK package
/// here (Kinesis, Glue, Route 53): it names the signing service and region, and resolves the endpoint from the
/// SDK's own partition data unless an override (the local cloud) is given.
/// </summary>
internal sealed class SigningClientConfig : ClientConfig
{
    private readonly string _signingName;

    public SigningClientConfig(string signingName, string region, Uri? endpointOverride)
        : base(new DefaultConfigurationProvider(new[] { new DefaultConfiguration { Name = DefaultConfigurationMode.Standard, RetryMode = RequestRetryMode.Standard } }))
    {
        _signingName = signingName;
        var regionEndpoint = RegionEndpoint.GetBySystemName(region);
        RegionEndpoint = regionEndpoint;
        AuthenticationRegion = region;
        AuthenticationServiceName = signingName;
        Endpoint = endpointOverride ?? new Uri("https://" + regionEndpoint.HostnameTemplate
            .Replace("{service}", signingName, StringComparison.Ordinal)
            .Replace("{region}", region, StringComparison.Ordinal)
            .Replace("{dnsSuffix}", regionEndpoint.PartitionDnsSuffix, StringComparison.Ordinal));
    }

    public Uri Endpoint { get; }

    public override string RegionEndpointServiceName => _signingName;

    public override string ServiceVersion => "json-1.1";

    public override string UserAgent => "kinesis-cross-region-replicator";

    public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters) => new(Endpoint.ToString());
}
