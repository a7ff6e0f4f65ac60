using System.Diagnostics;
using System.Text.Json.Nodes;
using Replicator.LocalCloud.Emulators;

namespace Replicator.LocalCloud.Iam;

/// <summary>
/// "May this principal do this action on this resource?" answered by a real IAM policy evaluator,
/// <c>@cloud-copilot/iam-simulate</c> (pinned in local/package.json; AGPL-3.0-or-later, so it runs as a
/// separate Node process of the local cloud and is never deployed or linked), through
/// local/iam-simulate.js: one process, one question per line. The caller states the request's context
/// keys (<c>s3:prefix</c>, <c>kms:ViaService</c>, …), as a request to the service would carry them, and
/// the resource's own policy where the service has one.
/// </summary>
public sealed class IamPolicySimulator : IAsyncDisposable
{
    public const string Allowed = "Allowed";

    private readonly Process _node;
    private readonly SemaphoreSlim _one = new(1, 1);

    private IamPolicySimulator(Process node) => _node = node;

    public static async Task<IamPolicySimulator> StartAsync(CancellationToken cancellationToken)
    {
        var local = NodeTooling.LocalDirectory();
        await NodeTooling.EnsureEmulatorsInstalledAsync(local, cancellationToken).ConfigureAwait(false);
        var start = new ProcessStartInfo("node", [Path.Combine(local, "iam-simulate.js")])
        {
            WorkingDirectory = local,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return new IamPolicySimulator(Process.Start(start) ?? throw new LocalCloudException("node did not start local/iam-simulate.js."));
    }

    /// <returns>The simulator's decision: Allowed, ImplicitlyDenied or ExplicitlyDenied.</returns>
    /// <exception cref="LocalCloudException">The simulator could not read the question (its errors are in the message) or stopped.</exception>
    public async Task<string> DecideAsync(IamQuestion question, CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _node.StandardInput.WriteLineAsync(question.ToJson().ToJsonString().AsMemory(), cancellationToken).ConfigureAwait(false);
            await _node.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
            var line = await _node.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new LocalCloudException($"local/iam-simulate.js stopped: {await _node.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false)}");
            var answer = JsonNode.Parse(line)!;
            return answer["errors"] is JsonNode errors && errors.ToJsonString() != "null"
                ? throw new LocalCloudException($"The simulator rejected the question {question}: {errors.ToJsonString()}")
                : answer["decision"]!.ToString();
        }
        finally
        {
            _one.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _node.StandardInput.Close();
        if (!_node.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _node.Kill(entireProcessTree: true);
        }

        await _node.WaitForExitAsync().ConfigureAwait(false);
        _node.Dispose();
        _one.Dispose();
    }
}

public sealed record IamQuestion(string Principal, string Action, string Resource, IReadOnlyList<JsonNode> IdentityPolicies)
{
    /// <summary>The account that holds the resource: the example deployment's, unless given.</summary>
    public string Account { get; init; } = Templates.ConcreteTemplate.Account;

    public Dictionary<string, string> Context { get; init; } = [];

    public JsonNode? ResourcePolicy { get; init; }

    public JsonObject ToJson() => new()
    {
        ["principal"] = Principal,
        ["action"] = Action,
        ["resource"] = Resource,
        ["account"] = Account,
        ["context"] = new JsonObject(Context.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))),
        ["identityPolicies"] = new JsonArray(IdentityPolicies.Select(p => p.DeepClone()).ToArray()),
        ["resourcePolicy"] = ResourcePolicy?.DeepClone(),
    };

    public override string ToString() => $"{Principal} {Action} on {Resource}{(Context.Count > 0 ? $" with {string.Join(", ", Context.Select(c => $"{c.Key}={c.Value}"))}" : "")}";
}
