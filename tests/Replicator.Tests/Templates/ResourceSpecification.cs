using System.IO.Compression;
using System.Text.Json;
using Replicator.LocalCloud.Emulators;

namespace Replicator.Tests.Templates;

/// <summary>
/// The CloudFormation resource specification as the npm package @aws-cdk/aws-service-spec ships it
/// (db.json.gz, pinned in local/package.json): every resource type with its properties (required or
/// not, and their nested property types) and its attributes.
/// </summary>
public sealed class ResourceSpecification
{
    private readonly Dictionary<string, JsonElement> _resources;
    private readonly Dictionary<string, JsonElement> _typeDefinitions;

    private ResourceSpecification(Dictionary<string, JsonElement> resources, Dictionary<string, JsonElement> typeDefinitions)
    {
        _resources = resources;
        _typeDefinitions = typeDefinitions;
    }

    public static async Task<ResourceSpecification> LoadAsync()
    {
        var local = NodeTooling.LocalDirectory();
        await NodeTooling.EnsureEmulatorsInstalledAsync(local, CancellationToken.None);
        await using var file = File.OpenRead(Path.Combine(local, "node_modules", "@aws-cdk", "aws-service-spec", "db.json.gz"));
        await using var json = new GZipStream(file, CompressionMode.Decompress);
        using var document = await JsonDocument.ParseAsync(json);
        var schema = document.RootElement.GetProperty("schema");
        var resources = schema.GetProperty("resource").GetProperty("entities").EnumerateArray()
            .Where(r => r.TryGetProperty("cloudFormationType", out _))
            .GroupBy(r => r.GetProperty("cloudFormationType").GetString()!)
            .ToDictionary(g => g.Key, g => g.First().Clone(), StringComparer.Ordinal);
        var types = schema.GetProperty("typeDefinition").GetProperty("entities").EnumerateArray()
            .ToDictionary(t => t.GetProperty("$id").GetString()!, t => t.Clone(), StringComparer.Ordinal);
        return new ResourceSpecification(resources, types);
    }

    public bool HasType(string type) => _resources.ContainsKey(type);

    public bool HasAttribute(string type, string attribute) =>
        _resources[type].TryGetProperty("attributes", out var attributes) && attributes.TryGetProperty(attribute, out _);

    /// <summary>The resource type's top-level properties.</summary>
    public JsonElement PropertiesOf(string type) => _resources[type].GetProperty("properties");

    /// <summary>The properties of a nested property type referenced from a property's type, or null for non-object types.</summary>
    public JsonElement? NestedProperties(JsonElement propertyType)
    {
        var kind = propertyType.GetProperty("type").GetString();
        if (kind == "array" || kind == "map")
        {
            return NestedProperties(propertyType.GetProperty("element"));
        }

        return kind == "ref" && _typeDefinitions.TryGetValue(propertyType.GetProperty("reference").GetProperty("$ref").GetString()!, out var definition)
            && definition.TryGetProperty("properties", out var properties)
            ? properties
            : null;
    }
}
