using System.Text.Json.Nodes;

namespace Replicator.LocalCloud.Templates;

/// <summary>
/// A template's Conditions evaluated for given parameter values, as CloudFormation does ("Condition
/// functions": <c>Fn::Equals</c>, <c>Fn::Not</c>, <c>Fn::And</c>, <c>Fn::Or</c>, <c>Condition</c>; values
/// from <c>Ref</c> and <c>Fn::Join</c> of a list parameter). Shared by the Fn::ForEach expansion, whose
/// collection may be an <c>Fn::If</c>, and by <see cref="DeployedTemplate"/>.
/// </summary>
public sealed class TemplateConditions(JsonObject root, IReadOnlyDictionary<string, string?> parameterValues, string templateName)
{
    private readonly JsonObject _definitions = root["Conditions"] as JsonObject ?? [];
    private readonly Dictionary<string, bool> _evaluated = new(StringComparer.Ordinal);

    /// <summary>Each parameter's value: the one given, else its Default.</summary>
    public static Dictionary<string, string?> ParameterValues(JsonObject root, IReadOnlyDictionary<string, string> given) =>
        ((root["Parameters"] as JsonObject) ?? []).ToDictionary(
            p => p.Key,
            p => given.TryGetValue(p.Key, out var value) ? value : p.Value?["Default"]?.ToString(),
            StringComparer.Ordinal);

    public bool this[string name] => _evaluated.TryGetValue(name, out var known) ? known
        : _definitions[name] is { } definition ? _evaluated[name] = Evaluate(definition)
        : throw new InvalidOperationException($"{templateName}: condition {name} is not defined");

    private bool Evaluate(JsonNode? node) => node switch
    {
        JsonObject o when o["Fn::Equals"] is JsonArray pair => Value(pair[0]) == Value(pair[1]),
        JsonObject o when o["Fn::Not"] is JsonArray one => !Evaluate(one[0]),
        JsonObject o when o["Fn::And"] is JsonArray all => all.All(Evaluate),
        JsonObject o when o["Fn::Or"] is JsonArray any => any.Any(Evaluate),
        JsonObject o when o["Condition"] is JsonValue name => this[name.ToString()],
        _ => throw new NotSupportedException($"{templateName}: condition {node?.ToJsonString()}"),
    };

    private string? Value(JsonNode? node) => node switch
    {
        JsonObject o when o["Ref"] is JsonValue reference => Parameter(reference.ToString()),
        JsonObject o when o["Fn::Join"] is JsonArray { Count: 2 } join && join[1] is JsonObject list && list["Ref"] is JsonValue listParameter =>
            string.Join(join[0]!.ToString(), (Parameter(listParameter.ToString()) ?? "").Split(',', StringSplitOptions.TrimEntries)),
        JsonObject => throw new NotSupportedException($"{templateName}: {node.ToJsonString()} in a condition"),
        _ => node?.ToString(),
    };

    private string? Parameter(string name) => parameterValues.TryGetValue(name, out var value)
        ? value
        : throw new NotSupportedException($"{templateName}: Ref {name} in a condition names no parameter");
}
