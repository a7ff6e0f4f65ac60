using System.Text.Json.Nodes;

namespace Replicator.LocalCloud.StepFunctions;

/// <summary>One Task state's call, as the harness hands it over: the state, its Resource, and its input after Parameters.</summary>
public sealed record TaskCall(string State, string Resource, JsonNode? Input);
