using System.Text.Json.Nodes;

namespace Replicator.LocalCloud.Templates;

/// <summary>
/// A template as CloudFormation deploys it with given parameter values: its Conditions evaluated
/// (<see cref="TemplateConditions"/>), each <c>Fn::If</c>
/// replaced by the branch taken, <c>AWS::NoValue</c> removed, and resources and outputs whose condition
/// is false left out (CloudFormation user guide, "Conditions syntax" and "Condition functions").
/// </summary>
public static class DeployedTemplate
{
    public static CloudFormationTemplate With(CloudFormationTemplate template, IReadOnlyDictionary<string, string> parameters)
    {
        var root = (JsonObject)template.Root.DeepClone();
        var conditions = new TemplateConditions(root, TemplateConditions.ParameterValues(root, parameters), template.Name);
        bool Named(string name) => conditions[name];

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

    /// <summary>
    /// A new node with every Fn::If replaced by its branch; <see cref="NoValue"/> for AWS::NoValue, which
    /// the parent drops. Objects and arrays are built anew, so only leaves are cloned.
    /// </summary>
    private static JsonNode? Choose(JsonNode? node, Func<string, bool> condition)
    {
        switch (node)
        {
            case JsonObject o when o.Count == 1 && o["Fn::If"] is JsonArray branches:
                return Choose(branches[condition(branches[0]!.ToString()) ? 1 : 2], condition);
            case JsonObject o when o.Count == 1 && o["Ref"]?.ToString() == "AWS::NoValue":
                return NoValue;
            case JsonObject o:
                var chosen = new JsonObject();
                foreach (var (key, value) in o)
                {
                    var child = Choose(value, condition);
                    if (!ReferenceEquals(child, NoValue))
                    {
                        chosen[key] = child;
                    }
                }

                return chosen;
            case JsonArray a:
                return new JsonArray(a.Select(item => Choose(item, condition)).Where(item => !ReferenceEquals(item, NoValue)).ToArray());
            default:
                return node?.DeepClone();
        }
    }
}
