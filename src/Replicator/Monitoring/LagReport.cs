using System.Text.Json.Serialization;

namespace Replicator.Monitoring;

/// <summary>
/// The lag monitor's output: one entry per stream and target measured, the streams skipped because
/// another region is active, and the ones whose shards refused the monitor's reads this time; and the
/// streams whose stored watermark (<c>lastReplicatedCommitTimestamp</c>) it raised; and the streams
/// that can hold records too large to reach the relay.
/// </summary>
public sealed record LagReport(
    [property: JsonPropertyName("measured")] IReadOnlyList<LagReportEntry> Measured,
    [property: JsonPropertyName("notActiveHere")] IReadOnlyList<string> NotActiveHere,
    [property: JsonPropertyName("unmeasured")] IReadOnlyList<LagGap> Unmeasured,
    [property: JsonPropertyName("watermarksRaised")] IReadOnlyList<string> WatermarksRaised,
    [property: JsonPropertyName("recordSizeBeyondDelivery")] IReadOnlyList<RecordSizeBeyondDelivery> RecordSizeBeyondDelivery);

/// <summary>
/// A stream whose MaxRecordSizeInKiB is above what an event source mapping can deliver
/// (<see cref="Replicator.Lambda.InvocationPayload.MaxDeliverableKinesisRecordKiB"/>): one record that large
/// stops its shard's relay for good. The cure is on the producer's side: lower the stream's maximum
/// (UpdateMaxRecordSize) to the deliverable size, or keep such payloads in S3 and put a pointer on the stream.
/// </summary>
public sealed record RecordSizeBeyondDelivery(
    [property: JsonPropertyName("streamName")] string StreamName,
    [property: JsonPropertyName("maxRecordSizeInKiB")] int MaxRecordSizeInKiB,
    [property: JsonPropertyName("deliverableKiB")] int DeliverableKiB);

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
