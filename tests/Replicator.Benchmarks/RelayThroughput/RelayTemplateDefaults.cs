using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.Templates;

namespace Replicator.Benchmarks.RelayThroughput;

/// <summary>
/// The relay function as template.yaml deploys it by default, and the replica count of
/// ddb-template.yml's tables, read from the templates so that the benchmark's mapping and its
/// bill follow them instead of copies that could drift.
/// </summary>
public sealed record RelayTemplateDefaults(int BatchSize, int BatchingWindowSeconds, int MemoryMb, string Architecture, int TableReplicas)
{
    public static RelayTemplateDefaults Read()
    {
        var template = CloudFormationTemplate.Load("template.yaml", new Dictionary<string, string> { ["TargetStreamReplicationRegion"] = TwoRegionCloud.DefaultRegionB });
        var function = template.Root["Globals"]!["Function"]!;
        var relay = template.ResourcesOfType("AWS::Serverless::Function").First(f => (string?)f.Properties["Handler"] == "relay").Properties;
        var tables = CloudFormationTemplate.Load("ddb-template.yml").ResourcesOfType("AWS::DynamoDB::GlobalTable")
            .Select(t => t.Properties["Replicas"]!.AsArray().Count)
            .Distinct()
            .ToArray();
        return new RelayTemplateDefaults(
            int.Parse(Default(template, "RelayBatchSize"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(Default(template, "RelayBatchingWindowSeconds"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse((string)(relay["MemorySize"] ?? function["MemorySize"])!, System.Globalization.CultureInfo.InvariantCulture),
            (string)(relay["Architectures"] ?? function["Architectures"])!.AsArray().Single()!,
            tables.Length == 1 ? tables[0] : throw new InvalidOperationException($"ddb-template.yml's tables have different replica counts ({string.Join(", ", tables)}); the bill needs each table's."));
    }

    private static string Default(CloudFormationTemplate template, string parameter) =>
        (string?)template.Parameters[parameter]?["Default"] ?? throw new InvalidOperationException($"template.yaml has no default for {parameter}.");
}
