using System.Text.Json.Nodes;
using Replicator.Catalog;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.StepFunctions;

namespace Replicator.LocalCloud.Catalog;

/// <summary>
/// Runs <c>statemachines/catalog-sync.asl.json</c> on the local cloud, in the replica region, with the
/// <c>catalog-sync</c> function configured as template.yaml configures it, against the regions' Glue stand-ins.
/// </summary>
public sealed class LocalCatalogSync(TwoRegionCloud cloud, string sourceRegion, string replicaRegion, LocalTopics topics, TextWriter functionLog)
{
    public const string FunctionName = "catalog-sync";

    public static string DefinitionPath => Path.Combine(RepositoryLayout.Root(), "statemachines", "catalog-sync.asl.json");

    /// <param name="settings">The function's catalog settings (prefix map, databases, deletes, pages per invocation).</param>
    public Task<ExecutionResult> RunAsync(IReadOnlyDictionary<string, string> settings, Action<JsonObject>? onEvent, CancellationToken cancellationToken)
    {
        var environment = LocalFunctionEnvironment.CatalogSync(cloud, sourceRegion, replicaRegion);
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        var substitutions = new Dictionary<string, string>
        {
            ["CatalogSyncFunctionArn"] = FunctionName,
            ["NotificationTopicArn"] = $"arn:aws:sns:{replicaRegion}:000000000000:kinesis-replicator-ops",
        };
        var integrations = new LocalIntegrations(
            cloud,
            replicaRegion,
            route53: null,
            topics,
            new Dictionary<string, IReadOnlyDictionary<string, string>> { [FunctionName] = environment },
            functionLog);
        return new LocalStateMachine(DefinitionPath, substitutions).RunAsync(new JsonObject(), integrations.InvokeAsync, onEvent, cancellationToken);
    }
}
