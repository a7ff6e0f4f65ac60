using System.Text.Json;
using System.Text.Json.Nodes;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.Route53;
using Replicator.Failover;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.StandIns;
using Replicator.LocalCloud.StepFunctions;

namespace Replicator.LocalCloud.Failover;

/// <summary>
/// Runs <c>statemachines/failover.asl.json</c> on the local cloud, in the region taking over (where
/// it must run when the other region is down), with the substitutions template.yaml gives it.
/// </summary>
/// <param name="fence">How long the machine holds the stream fenced: the relays' gate cache TTL plus their function timeout.</param>
public sealed class LocalFailover(TwoRegionCloud cloud, Route53StandIn route53, LocalTopics topics, TimeSpan fence, TextWriter functionLog)
{
    public static readonly IReadOnlyDictionary<string, string> FunctionNames = new Dictionary<string, string>
    {
        ["ClaimFunctionArn"] = "failover-claim",
        ["DnsFunctionArn"] = "failover-dns",
        ["DrainFunctionArn"] = "failover-drain",
        ["VerifyFunctionArn"] = "failover-verify",
        ["ReportFunctionArn"] = "failover-report",
        ["ConsumersFunctionArn"] = "failover-consumers",
    };

    public static string DefinitionPath => Path.Combine(RepositoryLayout.Root(), "statemachines", "failover.asl.json");

    public static string TopicArn(string region) => $"arn:aws:sns:{region}:000000000000:kinesis-replicator-management";

    public Task<ExecutionResult> RunAsync(FailoverInput input, Action<JsonObject>? onEvent, CancellationToken cancellationToken) =>
        RunAsync(input.ToRegion, JsonSerializer.SerializeToNode(input, FailoverJsonContext.Default.FailoverInput)!, onEvent, cancellationToken);

    /// <summary>Makes the machine of <paramref name="region"/> startable through the Step Functions stand-in, and returns its ARN.</summary>
    public string RegisterWith(StepFunctionsStandIn stepFunctions, string region) =>
        stepFunctions.Register($"kinesis-replicator-failover-{region}", (input, onEvent, cancellationToken) => RunAsync(region, input, onEvent, cancellationToken));

    /// <param name="region">Where the machine runs: its functions and tables are that region's.</param>
    private Task<ExecutionResult> RunAsync(string region, JsonNode input, Action<JsonObject>? onEvent, CancellationToken cancellationToken)
    {
        var substitutions = new Dictionary<string, string>(FunctionNames)
        {
            ["ConfigTableName"] = ReplicatorTables.Config,
            ["NotificationTopicArn"] = TopicArn(region),
            ["FenceSeconds"] = fence.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var environment = LocalFunctionEnvironment.Failover(cloud, region);
        var integrations = new LocalIntegrations(
            cloud,
            region,
            new Route53Client(new AwsServiceOptions(region, cloud.Credentials, AwsEnvironment.HttpClient) { EndpointOverride = route53.Endpoint }),
            topics,
            FunctionNames.Values.ToDictionary(name => name, IReadOnlyDictionary<string, string> (_) => environment),
            functionLog);
        var machine = new LocalStateMachine(DefinitionPath, substitutions);
        return machine.RunAsync(input, integrations.InvokeAsync, onEvent, cancellationToken);
    }
}
