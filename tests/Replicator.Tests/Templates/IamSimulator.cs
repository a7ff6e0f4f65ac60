using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Replicator.LocalCloud;
using Replicator.LocalCloud.Emulators;

namespace Replicator.Tests.Templates;

/// <summary>
/// "May this role do this action on this resource?" answered by a real IAM policy evaluator,
/// <c>@cloud-copilot/iam-simulate</c> (pinned in local/package.json, test-time only), through
/// local/iam-simulate.js. The caller states the request's context keys (<c>kms:ViaService</c>, …), as a
/// request to the service would carry them, and the resource's own policy where the service has one
/// (a KMS key policy: without it KMS denies whatever the identity policy allows).
/// </summary>
public static class IamSimulator
{
    public sealed record Question(string Principal, string Action, string Resource, IReadOnlyList<JsonNode> IdentityPolicies)
    {
        public Dictionary<string, string> Context { get; init; } = [];

        public JsonNode? ResourcePolicy { get; init; }

        public override string ToString() => $"{Principal} {Action} on {Resource}{(Context.Count > 0 ? $" with {string.Join(", ", Context.Select(c => $"{c.Key}={c.Value}"))}" : "")}";
    }

    /// <summary>Asks every question at once and fails listing each whose decision is not the one expected.</summary>
    public static async Task AssertDecisionsAsync(IReadOnlyList<(Question Question, string Expected)> questions)
    {
        var decisions = await AskAsync(questions.Select(q => q.Question).ToList());
        var wrong = questions.Zip(decisions).Where(p => p.First.Expected != p.Second).Select(p => $"{p.First.Question}: {p.Second}, expected {p.First.Expected}").ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    /// <returns>Per question, the simulator's decision: Allowed, ImplicitlyDenied or ExplicitlyDenied.</returns>
    public static async Task<IReadOnlyList<string>> AskAsync(IReadOnlyList<Question> questions)
    {
        var local = NodeTooling.LocalDirectory();
        await NodeTooling.EnsureEmulatorsInstalledAsync(local, CancellationToken.None);
        var input = new JsonArray(questions.Select(q => (JsonNode)new JsonObject
        {
            ["principal"] = q.Principal,
            ["action"] = q.Action,
            ["resource"] = q.Resource,
            ["account"] = ConcreteTemplate.Account,
            ["context"] = new JsonObject(q.Context.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))),
            ["identityPolicies"] = new JsonArray(q.IdentityPolicies.Select(p => p.DeepClone()).ToArray()),
            ["resourcePolicy"] = q.ResourcePolicy?.DeepClone(),
        }).ToArray());

        var start = new ProcessStartInfo("node", [Path.Combine(local, "iam-simulate.js")])
        {
            WorkingDirectory = local,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        await node.StandardInput.WriteAsync(input.ToJsonString());
        node.StandardInput.Close();
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        if (node.ExitCode != 0)
        {
            throw new InvalidOperationException($"local/iam-simulate.js failed ({node.ExitCode}): {await errors}");
        }

        var answers = JsonNode.Parse(await output)!.AsArray();
        return answers.Select((a, i) => a!["errors"] is JsonNode problems && problems.ToJsonString() != "null"
            ? throw new InvalidOperationException($"The simulator rejected the question {questions[i]}: {problems.ToJsonString()}")
            : a["decision"]!.ToString()).ToList();
    }
}
