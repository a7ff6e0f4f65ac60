using System.Text.Json.Nodes;

namespace Replicator.LocalCloud.Templates;

/// <summary>
/// Expands <c>Fn::ForEach::Name: [Identifier, Collection, Fragment]</c> the way the AWS::LanguageExtensions
/// transform does (CloudFormation template reference, Fn::ForEach): for each value of the collection, a copy
/// of the fragment with <c>${Identifier}</c> replaced by the value and <c>&amp;{Identifier}</c> by the value
/// without its non-alphanumeric characters, in keys and strings alike, and <c>{"Ref": Identifier}</c> by
/// the value (as SAM CLI's own expansion does, samcli/lib/cfn_language_extensions). The collection is a
/// list (of strings or <c>Ref</c>s to parameters), a <c>Ref</c> to a CommaDelimitedList parameter, or an
/// <c>Fn::If</c> choosing between those by a condition (CloudFormation resolves it; cfn-lint allows it
/// since aws-cloudformation/cfn-lint#4009, and SAM CLI's resolver registers FnIfResolver).
/// </summary>
public static class ForEachExpansion
{
    private const string Prefix = "Fn::ForEach::";

    public static void Expand(JsonObject root, IReadOnlyDictionary<string, string> parameters, string templateName)
    {
        var parameterValues = TemplateConditions.ParameterValues(root, parameters);
        var conditions = new TemplateConditions(root, parameterValues, templateName);
        foreach (var section in new[] { "Resources", "Conditions", "Outputs" })
        {
            if (root[section] is JsonObject mapping)
            {
                ExpandMapping(mapping, parameterValues, conditions, templateName);
            }
        }
    }

    private static void ExpandMapping(JsonObject mapping, IReadOnlyDictionary<string, string?> parameters, TemplateConditions conditions, string templateName)
    {
        foreach (var loop in mapping.Where(e => e.Key.StartsWith(Prefix, StringComparison.Ordinal)).ToList())
        {
            mapping.Remove(loop.Key);
            var parts = loop.Value as JsonArray is { Count: 3 } array ? array : throw new InvalidOperationException($"{templateName}: {loop.Key} must be [Identifier, Collection, Fragment]");
            var identifier = parts[0]!.GetValue<string>();
            foreach (var value in Collection(parts[1], parameters, conditions, $"{templateName}: {loop.Key}"))
            {
                var fragment = Substitute(parts[2]!, identifier, value)!.AsObject();
                ExpandMapping(fragment, parameters, conditions, templateName);
                foreach (var (key, node) in fragment.ToList())
                {
                    fragment.Remove(key);
                    if (!mapping.TryAdd(key, node))
                    {
                        throw new InvalidOperationException($"{templateName}: {loop.Key} generates {key}, which already exists");
                    }
                }
            }
        }

        foreach (var (_, child) in mapping)
        {
            if (child is JsonObject nested)
            {
                ExpandMapping(nested, parameters, conditions, templateName);
            }
        }
    }

    private static IEnumerable<string> Collection(JsonNode? collection, IReadOnlyDictionary<string, string?> parameters, TemplateConditions conditions, string where)
    {
        return collection switch
        {
            JsonArray values => values.Select(v => v is JsonObject { Count: 1 } o && o["Ref"] is JsonValue name ? Parameter(name.ToString()) : v!.GetValue<string>()),
            JsonObject { Count: 1 } reference when reference["Ref"] is JsonValue name => Parameter(name.ToString()).Split(',', StringSplitOptions.TrimEntries),
            JsonObject { Count: 1 } choice when choice["Fn::If"] is JsonArray { Count: 3 } branches =>
                Collection(branches[conditions[branches[0]!.ToString()] ? 1 : 2], parameters, conditions, where),
            _ => throw new InvalidOperationException($"{where}: the collection must be a list, a Ref to a CommaDelimitedList parameter or an Fn::If of those"),
        };

        string Parameter(string name) => parameters.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value)
            ? value
            : throw new InvalidOperationException($"{where} iterates over parameter {name}, which has no value here; pass one to Load");
    }

    private static JsonNode? Substitute(JsonNode node, string identifier, string value)
    {
        var alphanumeric = string.Concat(value.Where(char.IsAsciiLetterOrDigit));
        string Replace(string text) => text.Replace($"${{{identifier}}}", value, StringComparison.Ordinal).Replace($"&{{{identifier}}}", alphanumeric, StringComparison.Ordinal);
        return node switch
        {
            JsonObject { Count: 1 } o when o["Ref"] is JsonValue reference && reference.ToString() == identifier => JsonValue.Create(value),
            JsonObject o => new JsonObject(o.Select(e => KeyValuePair.Create(Replace(e.Key), e.Value is null ? null : Substitute(e.Value, identifier, value)))),
            JsonArray a => new JsonArray(a.Select(e => e is null ? null : Substitute(e, identifier, value)).ToArray()),
            JsonValue v when v.TryGetValue<string>(out var text) => JsonValue.Create(Replace(text)),
            _ => node.DeepClone(),
        };
    }
}
