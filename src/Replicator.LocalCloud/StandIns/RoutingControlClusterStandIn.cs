using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Replicator.Aws.RoutingControl;

namespace Replicator.LocalCloud.StandIns;

/// <summary>
/// A local stand-in for a Route 53 ARC cluster's data plane (the Recovery Cluster API, AWS JSON 1.0,
/// target prefix ToggleCustomerAPI): five Regional endpoints, each under <c>/v1</c> as the real ones are,
/// UpdateRoutingControlStates (all entries or none) and GetRoutingControlState with the API model's error
/// shapes, a request signed for the endpoint's own region and the route53-recovery-cluster service.
/// Routing controls are made with <see cref="CreateRoutingControl"/>: local setup, as a deploy makes them.
/// An endpoint taken down answers EndpointTemporarilyUnavailableException, the model's "try another
/// cluster endpoint" (ARC keeps at least three of the five available).
/// </summary>
public sealed class RoutingControlClusterStandIn : IAsyncDisposable
{
    /// <summary>The Regions of an ARC cluster's five endpoints.</summary>
    public static readonly IReadOnlyList<string> EndpointRegions = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1", "ap-southeast-2"];

    private readonly ConcurrentDictionary<string, string> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _down = new(StringComparer.Ordinal);
    private readonly List<(string Region, LoopbackHttpServer Server)> _servers;
    private readonly Lock _updating = new();

    public RoutingControlClusterStandIn()
    {
        _servers = EndpointRegions.Select(region => (region, new LoopbackHttpServer(context => HandleAsync(region, context)))).ToList();
    }

    /// <summary>As DescribeCluster lists them.</summary>
    public IReadOnlyList<ClusterEndpoint> Endpoints => _servers.Select(s => new ClusterEndpoint(s.Region, new Uri(s.Server.Endpoint, "v1"))).ToList();

    /// <summary>Updates the cluster has taken.</summary>
    public int Updates { get; private set; }

    public string CreateRoutingControl(string name, bool on)
    {
        var arn = $"arn:aws:route53-recovery-control::000000000000:controlpanel/local/routingcontrol/{name}";
        AddRoutingControl(arn, on);
        return arn;
    }

    /// <summary>A routing control with the ARN a deploy gave it.</summary>
    public void AddRoutingControl(string arn, bool on) => _states[arn] = on ? RoutingControlStateEntry.On : RoutingControlStateEntry.Off;

    public bool IsOn(string arn) => _states.TryGetValue(arn, out var state) && state == RoutingControlStateEntry.On;

    public void TakeDown(string region) => _down[region] = true;

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, server) in _servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(string region, HttpListenerContext context)
    {
        var (status, body) = _down.GetValueOrDefault(region)
            ? Error(HttpStatusCode.ServiceUnavailable, "EndpointTemporarilyUnavailableException", $"The cluster endpoint in {region} isn't available. Try another cluster endpoint.")
            : await AnswerAsync(region, context.Request).ConfigureAwait(false);
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/x-amz-json-1.0";
        await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        context.Response.Close();
    }

    private async Task<(HttpStatusCode, JsonObject)> AnswerAsync(string region, HttpListenerRequest request)
    {
        if (request.Url!.AbsolutePath != "/v1" || request.HttpMethod != "POST")
        {
            return Error(HttpStatusCode.NotFound, "UnknownOperationException", $"{request.HttpMethod} {request.Url.AbsolutePath}: the cluster answers POST /v1.");
        }

        if (request.Headers["Authorization"] is not { } authorization || !authorization.Contains($"/{region}/route53-recovery-cluster/aws4_request", StringComparison.Ordinal))
        {
            return Error(HttpStatusCode.Forbidden, "AccessDeniedException", $"The request must be signed with SigV4 for route53-recovery-cluster in {region}, this endpoint's region.");
        }

        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var input = JsonNode.Parse(await reader.ReadToEndAsync().ConfigureAwait(false))?.AsObject() ?? [];
        return request.Headers["X-Amz-Target"] switch
        {
            "ToggleCustomerAPI.UpdateRoutingControlStates" => Update(input),
            "ToggleCustomerAPI.GetRoutingControlState" => Get(input),
            var target => Error(HttpStatusCode.BadRequest, "UnknownOperationException", $"The local cluster does not serve {target}."),
        };
    }

    private (HttpStatusCode, JsonObject) Update(JsonObject input)
    {
        var entries = input["UpdateRoutingControlStateEntries"]?.AsArray()
            .Select(e => ((string?)e?["RoutingControlArn"], (string?)e?["RoutingControlState"])).ToList() ?? [];
        if (entries.Count == 0)
        {
            return Error(HttpStatusCode.BadRequest, "ValidationException", "UpdateRoutingControlStateEntries is required.");
        }

        lock (_updating)
        {
            foreach (var (arn, state) in entries)
            {
                if (arn is null || !_states.ContainsKey(arn))
                {
                    return Error(HttpStatusCode.NotFound, "ResourceNotFoundException", $"Routing control {arn} was not found.");
                }

                if (state is not (RoutingControlStateEntry.On or RoutingControlStateEntry.Off))
                {
                    return Error(HttpStatusCode.BadRequest, "ValidationException", $"RoutingControlState of {arn} must be On or Off, not '{state}'.");
                }
            }

            foreach (var (arn, state) in entries)
            {
                _states[arn!] = state!;
            }

            Updates++;
        }

        return (HttpStatusCode.OK, []);
    }

    private (HttpStatusCode, JsonObject) Get(JsonObject input) =>
        (string?)input["RoutingControlArn"] is { } arn && _states.TryGetValue(arn, out var state)
            ? (HttpStatusCode.OK, new JsonObject { ["RoutingControlArn"] = arn, ["RoutingControlState"] = state, ["RoutingControlName"] = arn.Split('/')[^1] })
            : Error(HttpStatusCode.NotFound, "ResourceNotFoundException", $"Routing control {(string?)input["RoutingControlArn"]} was not found.");

    private static (HttpStatusCode, JsonObject) Error(HttpStatusCode status, string type, string message) =>
        (status, new JsonObject { ["__type"] = type, ["message"] = message });
}
