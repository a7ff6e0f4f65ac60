using System.Text.Json.Serialization;

namespace Replicator.Monitoring;

/// <summary>
/// The lag monitor's output: one entry per stream and target measured, the streams skipped because
/// another region is active, and the ones whose shards refused the monitor's reads this time; and the
/// streams whose stored watermark (<c>lastReplicatedCommitTimestamp</c>) it raised; the streams that
/// can hold records too large to reach the relay; how each target's stream differs from this
/// region's, and the targets that did not say; and the closed shards whose checkpoints it let expire.
/// </summary>
public sealed class LagReport
{
    [JsonPropertyName("measured")]
    public List<LagReportEntry> Measured { get; init; } = [];

    [JsonPropertyName("notActiveHere")]
    public List<string> NotActiveHere { get; init; } = [];

    [JsonPropertyName("unmeasured")]
    public List<LagGap> Unmeasured { get; init; } = [];

    [JsonPropertyName("watermarksRaised")]
    public List<string> WatermarksRaised { get; init; } = [];

    [JsonPropertyName("recordSizeBeyondDelivery")]
    public List<RecordSizeBeyondDelivery> RecordSizeBeyondDelivery { get; init; } = [];

    [JsonPropertyName("configurationDrift")]
    public List<ConfigurationDrift> ConfigurationDrift { get; init; } = [];

    [JsonPropertyName("driftUnmeasured")]
    public List<LagGap> DriftUnmeasured { get; init; } = [];

    [JsonPropertyName("checkpointsExpiring")]
    public List<ExpiringCheckpoints> CheckpointsExpiring { get; init; } = [];
}

/// <summary>Every difference between this region's stream and a target's (<see cref="StreamParity"/>).</summary>
public sealed record ConfigurationDrift(
    [property: JsonPropertyName("streamName")] string StreamName,
    [property: JsonPropertyName("targetRegion")] string TargetRegion,
    [property: JsonPropertyName("differences")] IReadOnlyList<StreamDifference> Differences);

/// <summary>Closed, done shards whose checkpoint items for the target got an expiry this time (<see cref="ClosedShardRetirement"/>).</summary>
public sealed record ExpiringCheckpoints(
    [property: JsonPropertyName("streamName")] string StreamName,
    [property: JsonPropertyName("targetRegion")] string TargetRegion,
    [property: JsonPropertyName("shardIds")] IReadOnlyList<string> ShardIds);

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

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LagReport))]
internal sealed partial class MonitoringJsonContext : JsonSerializerContext;
