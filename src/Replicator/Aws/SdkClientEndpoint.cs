using Amazon;
using Amazon.Runtime;

namespace Replicator.Aws;

/// <summary>Points an AWS SDK client's config at its region and at the endpoint <see cref="ServiceEndpoints"/> chose, and nowhere else.</summary>
internal static class SdkClientEndpoint
{
    public static TConfig Apply<TConfig>(TConfig config, string region, Uri? endpoint)
        where TConfig : ClientConfig
    {
        config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        // AWSSDK.Core reads AWS_ENDPOINT_URL(_<SERVICE>) itself, but from the process's environment (not the
        // one a function was given, which differs in tests and the local cloud), and then signs for us-east-1
        // whatever the client's region (4.1.0): a relay in another region would read and checkpoint in the
        // wrong region's tables. ServiceEndpoints has decided already; the SDK is told to leave it.
        config.IgnoreConfiguredEndpointUrls = true;
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = region;
        }

        return config;
    }
}
