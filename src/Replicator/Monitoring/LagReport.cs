using System.Text.Json.Serialization;

namespace Replicator.Monitoring;

/// <summary>
/// The lag monitor's output: one entry per stream and target measured, the streams skipped because
/// another region is active, and the ones whose shards refused the monitor's reads this time; and the
/// streams whose stored watermark (<c>lastReplicatedCommitTimestamp</c>) it raised.
/// </summary>
public sealed record LagReport(
    [property: JsonPropertyName("measured")] IReadOnlyList<LagReportEntry> Measured,
    [property: JsonPropertyName("notActiveHere")] IReadOnlyList<string> NotActiveHere,
    [property: JsonPropertyName("unmeasured")] IReadOnlyList<LagGap> Unmeasured,
    [property: JsonPropertyName("watermarksRaised")] IReadOnlyList<string> WatermarksRaised);

public sealed record LagGap(
    [property: JsonPropertyName("streamName")] string StreamName,
    [property: JsonPropertyName("targetRegion")] string TargetRegion,
    [property: JsonPropertyName("reason")] string Reason);

public sealed record LagReportEntry(
    [property: JsonPropertyName("streamName")] string StreamName,
    [property: JsonPropertyName("targetRegion")] string TargetRegion,
    [property: JsonPropertyName("secondsBehind")] double SecondsBehind,
    [property: JsonPropertyName("recordsBehind")] long RecordsBehind,
    [property: JsonPropertyName("atLeast")] bool AtLeast,
    [property: JsonPropertyName("watermark")] DateTimeOffset? Watermark);

[JsonSerializable(typeof(LagReport))]
internal sealed partial class MonitoringJsonContext : JsonSerializerContext;
