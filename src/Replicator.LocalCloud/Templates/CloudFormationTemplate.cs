using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Replicator.LocalCloud.Templates;

/// <summary>
/// A CloudFormation template read into JSON nodes, with YAML short forms (<c>!Ref</c>, <c>!GetAtt</c>,
/// <c>!Sub</c> …) turned into their long forms (<c>Ref</c>, <c>Fn::GetAtt</c>, <c>Fn::Sub</c> …), and
/// <c>Fn::ForEach</c> loops expanded as the AWS::LanguageExtensions transform does, so the checks see
/// the resources a deploy creates.
/// </summary>
public sealed class CloudFormationTemplate(string name, JsonObject root)
{
    public string Name { get; } = name;

    public JsonObject Root { get; } = root;

    public JsonObject Parameters => Root["Parameters"]?.AsObject() ?? [];

    public JsonObject Resources => Root["Resources"]?.AsObject() ?? throw new InvalidOperationException($"{Name} has no Resources.");

    public IEnumerable<(string LogicalId, string Type, JsonObject Properties)> ResourcesOfType(string prefix) =>
        Resources
            .Select(r => (r.Key, Type: r.Value!["Type"]!.GetValue<string>(), Properties: r.Value["Properties"]?.AsObject() ?? []))
            .Where(r => r.Type.StartsWith(prefix, StringComparison.Ordinal));

    /// <param name="parameters">Values for parameters that a loop iterates over (others take their Default).</param>
    public static CloudFormationTemplate Load(string fileName, IReadOnlyDictionary<string, string>? parameters = null) =>
        Parse(fileName, File.ReadAllText(Path.Combine(RepositoryLayout.Root(), fileName)), parameters);

    public static CloudFormationTemplate Parse(string name, string yaml, IReadOnlyDictionary<string, string>? parameters = null)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (JsonObject)Convert(stream.Documents[0].RootNode)!;
        ForEachExpansion.Expand(root, parameters ?? new Dictionary<string, string>(), name);
        return new CloudFormationTemplate(name, root);
    }

    private static JsonNode? Convert(YamlNode node)
    {
        JsonNode? value = node switch
        {
            YamlMappingNode mapping => (JsonNode)new JsonObject(mapping.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
            YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
            YamlScalarNode scalar => JsonValue.Create(scalar.Value),
            _ => throw new NotSupportedException($"YAML node {node.NodeType} at {node.Start}"),
        };
        return node.Tag.IsEmpty || node.Tag.Value is "?" or "!" or "tag:yaml.org,2002:str" ? value : LongForm(node.Tag.Value, value, node);
    }

    private static JsonObject LongForm(string tag, JsonNode? value, YamlNode node) => tag switch
    {
        "!Ref" => new JsonObject { ["Ref"] = value },
        "!Condition" => new JsonObject { ["Condition"] = value },
        // !GetAtt Resource.Attribute (the attribute may itself contain dots).
        "!GetAtt" when value is JsonValue text && text.GetValue<string>() is var s && s.IndexOf('.') is > 0 and var dot =>
            new JsonObject { ["Fn::GetAtt"] = new JsonArray(JsonValue.Create(s[..dot]), JsonValue.Create(s[(dot + 1)..])) },
        _ when tag.StartsWith('!') => new JsonObject { [$"Fn::{tag[1..]}"] = value },
        _ => throw new NotSupportedException($"YAML tag {tag} at {node.Start}"),
    };
}
