using System.Text.Json.Serialization;

namespace Replicator.Benchmarks.Build;

public sealed record BuildFigures(
    [property: JsonPropertyName("make_all_functions_s")] double MakeAllFunctionsSeconds,
    [property: JsonPropertyName("one_publish_s")] double OnePublishSeconds,
    [property: JsonPropertyName("ratio")] double Ratio);

[JsonSerializable(typeof(BuildFigures))]
internal sealed partial class BuildFiguresJsonContext : JsonSerializerContext;
