using System.Text.Json.Serialization;

namespace Replicator.Monitoring;

/// <summary>The lag monitor's output: one entry per stream and target measured, and the streams skipped because another region is active.</summary>
public sealed record LagReport(
    [property: JsonPropertyName("measured")] IReadOnlyList<LagReportEntry> Measured,
    [property: JsonPropertyName("notActiveHere")] IReadOnlyList<string> NotActiveHere);

public sealed record LagReportEntry(
    [property: JsonPropertyName("streamName")] string StreamName,
    [property: JsonPropertyName("targetRegion")] string TargetRegion,
    [property: JsonPropertyName("secondsBehind")] double SecondsBehind,
    [property: JsonPropertyName("recordsBehind")] long RecordsBehind,
    [property: JsonPropertyName("atLeast")] bool AtLeast);

[JsonSerializable(typeof(LagReport))]
internal sealed partial class MonitoringJsonContext : JsonSerializerContext;
