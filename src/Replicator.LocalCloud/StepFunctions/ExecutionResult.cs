using System.Text.Json.Nodes;

namespace Replicator.LocalCloud.StepFunctions;

/// <summary>How a local execution ended: SUCCEEDED with its output, or FAILED, TIMED_OUT or ABORTED with the error and cause.</summary>
public sealed record ExecutionResult(string Status, JsonNode? Output, string? Error, string? Cause, IReadOnlyList<JsonObject> Events)
{
    public const string Succeeded = "SUCCEEDED";

    public const string TimedOut = "TIMED_OUT";

    public bool IsSuccess => Status == Succeeded;

    /// <summary>The states entered, in order: what the execution did.</summary>
    public IEnumerable<string> StatesEntered => Events
        .Where(e => (string?)e["type"] == "StateEntered")
        .Select(e => (string)e["state"]!["name"]!);
}
