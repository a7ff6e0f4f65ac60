using Amazon.Runtime;

namespace Replicator.Aws.Json;

/// <summary>Where and as whom a service client talks: region, credentials, an endpoint override for the local cloud.</summary>
public sealed record AwsServiceOptions(string Region, AWSCredentials Credentials, HttpClient HttpClient)
{
    public Uri? EndpointOverride { get; init; }

    public RetrySettings Retry { get; init; } = RetrySettings.Default;
}
