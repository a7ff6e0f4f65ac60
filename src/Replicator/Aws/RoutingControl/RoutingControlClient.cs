using System.Text.Json.Serialization;
using Amazon.Runtime;
using Replicator.Aws.Json;

namespace Replicator.Aws.RoutingControl;

/// <summary>
/// Route 53 ARC's routing control data plane (the Recovery Cluster API, AWS JSON 1.0; AWSSDK has no
/// package for it here). A cluster answers at five Regional endpoints, and ARC keeps at least three of
/// them available; each may be down for maintenance, so every call tries them in turn ("Getting and
/// updating routing control states using the ARC API", ARC developer guide). No call needs Route 53's
/// control plane in us-east-1.
/// </summary>
public sealed class RoutingControlClient(IReadOnlyList<ClusterEndpoint> endpoints, AWSCredentials credentials, HttpClient http)
{
    private const string SigningName = "route53-recovery-cluster";
    private const string TargetPrefix = "ToggleCustomerAPI";

    /// <summary>Sets every entry's state in one request (all or none), on the first endpoint that answers.</summary>
    /// <returns>The region of the endpoint that took it.</returns>
    /// <exception cref="RoutingControlsUnreachableException">No endpoint took it; the message has each one's answer.</exception>
    public async Task<string> UpdateRoutingControlStatesAsync(IReadOnlyList<RoutingControlStateEntry> entries, CancellationToken cancellationToken)
    {
        var refusals = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var client = new AwsJsonClient(
                new AwsServiceOptions(endpoint.Region, credentials, http) { EndpointOverride = endpoint.Endpoint, Retry = RetrySettings.None },
                SigningName,
                TargetPrefix,
                jsonVersion: "1.0");
            try
            {
                await client.SendAsync(
                    "UpdateRoutingControlStates",
                    new UpdateRoutingControlStatesRequest(entries),
                    RoutingControlJsonContext.Default.UpdateRoutingControlStatesRequest,
                    RoutingControlJsonContext.Default.UpdateRoutingControlStatesResponse,
                    cancellationToken).ConfigureAwait(false);
                return endpoint.Region;
            }
            catch (Exception e) when (TryAnother(e, cancellationToken))
            {
                refusals.Add($"{endpoint.Region} ({endpoint.Endpoint}): {e.GetType().Name}: {e.Message}");
            }
        }

        throw new RoutingControlsUnreachableException(
            $"No endpoint of the routing control cluster took the change ({string.Join(", ", entries.Select(e => $"{e.RoutingControlArn} {e.RoutingControlState}"))}): {string.Join("; ", refusals)}");
    }

    /// <summary>This endpoint cannot take it now, another may: unavailable, throttled, failing, or not answering.</summary>
    private static bool TryAnother(Exception e, CancellationToken invocation) => e switch
    {
        AwsServiceException service => service.ErrorCode is "EndpointTemporarilyUnavailableException" or "ConflictException" || service.IsTransient,
        HttpRequestException or IOException or TimeoutException => true,
        OperationCanceledException => !invocation.IsCancellationRequested,
        _ => false,
    };
}

/// <summary>One of a cluster's Regional endpoints, as DescribeCluster lists them.</summary>
public sealed record ClusterEndpoint(string Region, Uri Endpoint);

/// <param name="RoutingControlState"><see cref="On"/> or <see cref="Off"/>.</param>
public sealed record RoutingControlStateEntry(string RoutingControlArn, string RoutingControlState)
{
    public const string On = "On";
    public const string Off = "Off";
}

public sealed record UpdateRoutingControlStatesRequest(IReadOnlyList<RoutingControlStateEntry> UpdateRoutingControlStateEntries);

public sealed record UpdateRoutingControlStatesResponse;

public sealed class RoutingControlsUnreachableException(string message) : Exception(message);

[JsonSerializable(typeof(UpdateRoutingControlStatesRequest))]
[JsonSerializable(typeof(UpdateRoutingControlStatesResponse))]
internal sealed partial class RoutingControlJsonContext : JsonSerializerContext;
