using System.Text.Json.Serialization;

namespace Replicator.Benchmarks.ColdStart;

public sealed record ColdStartFigures(
    [property: JsonPropertyName("aot_ms")] double AotMs,
    [property: JsonPropertyName("jit_ms")] double JitMs,
    [property: JsonPropertyName("ratio")] double Ratio);

[JsonSerializable(typeof(ColdStartFigures))]
internal sealed partial class FiguresJsonContext : JsonSerializerContext;
