using System.Text.Json;
using System.Text.Json.Nodes;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.StepFunctions;
using Replicator.Replay;

namespace Replicator.LocalCloud.Replay;

/// <summary>
/// Runs <c>statemachines/replay.asl.json</c> on the local cloud in <paramref name="region"/>, with the
/// replay functions configured as template.yaml configures them, reading <paramref name="archiveBucket"/>.
/// </summary>
public sealed class LocalReplay(TwoRegionCloud cloud, string region, string archiveBucket, LocalTopics topics, TextWriter functionLog)
{
    public static string DefinitionPath => Path.Combine(RepositoryLayout.Root(), "statemachines", "replay.asl.json");

    private static readonly string[] Functions = ["replay-plan", "replay-lane", "replay-report"];

    /// <param name="settings">Function settings to add or override (chunk size, chunks per invocation).</param>
    public Task<ExecutionResult> RunAsync(ReplayRequest request, IReadOnlyDictionary<string, string>? settings, Action<JsonObject>? onEvent, CancellationToken cancellationToken) =>
        RunAsync(JsonNode.Parse(JsonSerializer.SerializeToUtf8Bytes(request, ReplayJsonContext.Default.ReplayRequest))!, settings, onEvent, cancellationToken);

    /// <summary>Makes the machine startable through the Step Functions stand-in, and returns its ARN.</summary>
    public string RegisterWith(StandIns.StepFunctionsStandIn stepFunctions, IReadOnlyDictionary<string, string>? settings = null) =>
        stepFunctions.Register($"kinesis-replicator-replay-{region}", (input, onEvent, cancellationToken) => RunAsync(input, settings, onEvent, cancellationToken));

    private Task<ExecutionResult> RunAsync(JsonNode input, IReadOnlyDictionary<string, string>? settings, Action<JsonObject>? onEvent, CancellationToken cancellationToken)
    {
        var environment = LocalFunctionEnvironment.Replay(cloud, region, archiveBucket);
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        var substitutions = new Dictionary<string, string>
        {
            ["ReplayPlanFunctionArn"] = Functions[0],
            ["ReplayLaneFunctionArn"] = Functions[1],
            ["ReplayReportFunctionArn"] = Functions[2],
            ["NotificationTopicArn"] = $"arn:aws:sns:{region}:000000000000:kinesis-replicator-ops",
        };
        var integrations = new LocalIntegrations(cloud, region, route53: null, topics, Functions.ToDictionary(f => f, IReadOnlyDictionary<string, string> (_) => environment), functionLog);
        return new LocalStateMachine(DefinitionPath, substitutions).RunAsync(input, integrations.InvokeAsync, onEvent, cancellationToken);
    }

    /// <summary>The report a succeeded execution ends with.</summary>
    public static ReplayReport Report(ExecutionResult result) =>
        result.Status == ExecutionResult.Succeeded
            ? result.Output.Deserialize(ReplayJsonContext.Default.ReplayReport)!
            : throw new LocalCloudException($"The replay failed: {result.Error}: {result.Cause}");
}
