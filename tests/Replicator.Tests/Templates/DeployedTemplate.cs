using System.Text.Json.Nodes;

namespace Replicator.Tests.Templates;

/// <summary>
/// A template as CloudFormation deploys it with given parameter values: its Conditions evaluated
/// (<c>Fn::Equals</c>, <c>Fn::Not</c>, <c>Fn::And</c>, <c>Fn::Or</c>, <c>Condition</c>), each <c>Fn::If</c>
/// replaced by the branch taken, <c>AWS::NoValue</c> removed, and resources and outputs whose condition
/// is false left out (CloudFormation user guide, "Conditions syntax" and "Condition functions").
/// </summary>
public static class DeployedTemplate
{
    public static CloudFormationTemplate With(CloudFormationTemplate template, IReadOnlyDictionary<string, string> parameters)
    {
        var root = (JsonObject)template.Root.DeepClone();
        var values = ((root["Parameters"] as JsonObject) ?? []).ToDictionary(
            p => p.Key,
            p => parameters.TryGetValue(p.Key, out var value) ? value : p.Value?["Default"]?.ToString(),
            StringComparer.Ordinal);
        var definitions = (root["Conditions"] as JsonObject) ?? [];
        var conditions = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool Named(string name) => conditions.TryGetValue(name, out var known) ? known : conditions[name] = Evaluate(definitions[name]);

        bool Evaluate(JsonNode? node) => node switch
        {
            JsonObject o when o["Fn::Equals"] is JsonArray pair => Value(pair[0]) == Value(pair[1]),
            JsonObject o when o["Fn::Not"] is JsonArray one => !Evaluate(one[0]),
            JsonObject o when o["Fn::And"] is JsonArray all => all.All(Evaluate),
            JsonObject o when o["Fn::Or"] is JsonArray any => any.Any(Evaluate),
            JsonObject o when o["Condition"] is JsonValue name => Named(name.ToString()),
            _ => throw new NotSupportedException($"{template.Name}: condition {node?.ToJsonString()}"),
        };

        string? Value(JsonNode? node) => node is JsonObject o && o["Ref"] is JsonValue reference
            ? values.TryGetValue(reference.ToString(), out var value) ? value : throw new NotSupportedException($"{template.Name}: Ref {reference} in a condition")
            : node?.ToString();

        foreach (var section in new[] { "Resources", "Outputs" })
        {
            if (root[section] is JsonObject entries)
            {
                foreach (var (id, entry) in entries.Where(e => e.Value?["Condition"] is JsonValue).ToList())
                {
                    if (Named(entry!["Condition"]!.ToString()))
                    {
                        entry.AsObject().Remove("Condition");
                    }
                    else
                    {
                        entries.Remove(id);
                    }
                }
            }
        }

        root.Remove("Conditions");
        return new CloudFormationTemplate(template.Name, (JsonObject)Choose(root, Named)!);
    }

    private static readonly JsonObject NoValue = new();

    /// <summary>The node with every Fn::If replaced by its branch; <see cref="NoValue"/> for AWS::NoValue, which the parent drops.</summary>
    private static JsonNode? Choose(JsonNode? node, Func<string, bool> condition)
    {
        switch (node)
        {
            case JsonObject o when o.Count == 1 && o["Fn::If"] is JsonArray branches:
                return Choose(branches[condition(branches[0]!.ToString()) ? 1 : 2]?.DeepClone(), condition);
            case JsonObject o when o.Count == 1 && o["Ref"]?.ToString() == "AWS::NoValue":
                return NoValue;
            case JsonObject o:
                var chosen = new JsonObject();
                foreach (var (key, value) in o.ToList())
                {
                    var child = Choose(value?.DeepClone(), condition);
                    if (!ReferenceEquals(child, NoValue))
                    {
                        chosen[key] = child;
                    }
                }

                return chosen;
            case JsonArray a:
                return new JsonArray(a.Select(item => Choose(item?.DeepClone(), condition)).Where(item => !ReferenceEquals(item, NoValue)).ToArray());
            default:
                return node?.DeepClone();
        }
    }
}
