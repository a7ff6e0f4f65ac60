using System.Text.Json.Serialization;

namespace Replicator.Benchmarks.RelayThroughput;

public sealed record RelayFigures(
    [property: JsonPropertyName("calls_per_10k")] double CallsPer10K,
    [property: JsonPropertyName("calls_per_10k_500_keys")] double CallsPer10K500Keys,
    [property: JsonPropertyName("calls_bound_500_keys")] double CallsBound500Keys,
    [property: JsonPropertyName("baseline_calls_per_10k")] double BaselineCallsPer10K,
    [property: JsonPropertyName("throughput_ratio")] double ThroughputRatio,
    [property: JsonPropertyName("loopback_ratio")] double LoopbackRatio,
    [property: JsonPropertyName("hot_key_ratio")] double HotKeyRatio,
    [property: JsonPropertyName("hot_key_packed_ratio")] double HotKeyPackedRatio,
    [property: JsonPropertyName("calls_per_10k_500_keys_packed")] double CallsPer10K500KeysPacked,
    [property: JsonPropertyName("mixed_others_share")] double MixedOthersShare,
    [property: JsonPropertyName("mixed_others_share_packed")] double MixedOthersSharePacked,
    [property: JsonPropertyName("retries_per_record")] double RetriesPerRecord,
    [property: JsonPropertyName("latency_p50_ms")] double LatencyP50Ms,
    [property: JsonPropertyName("latency_p99_ms")] double LatencyP99Ms,
    [property: JsonPropertyName("baseline_latency_p50_ms")] double BaselineLatencyP50Ms,
    [property: JsonPropertyName("baseline_latency_p99_ms")] double BaselineLatencyP99Ms,
    [property: JsonPropertyName("baseline_retries_per_record")] double BaselineRetriesPerRecord,
    [property: JsonPropertyName("capacity_share_20ms")] double CapacityShare20Ms,
    [property: JsonPropertyName("capacity_share_80ms")] double CapacityShare80Ms,
    [property: JsonPropertyName("retries_per_record_at_capacity")] double RetriesPerRecordAtCapacity,
    [property: JsonPropertyName("baseline_capacity_share")] double BaselineCapacityShare,
    [property: JsonPropertyName("record_bytes")] int RecordBytes,
    [property: JsonPropertyName("latency_invocation_p50_ms")] double LatencyInvocationP50Ms,
    [property: JsonPropertyName("hot_key_strict_share")] double HotKeyStrictShare,
    [property: JsonPropertyName("hot_key_strict_share_unaggregated")] double HotKeyStrictShareUnaggregated,
    [property: JsonPropertyName("mixed_others_share_aggregated")] double MixedOthersShareAggregated,
    [property: JsonPropertyName("latency_p50_ms_round_trip_only")] double LatencyP50MsRoundTripOnly,
    [property: JsonPropertyName("latency_p99_ms_round_trip_only")] double LatencyP99MsRoundTripOnly,
    [property: JsonPropertyName("latency_invocation_p50_ms_round_trip_only")] double LatencyInvocationP50MsRoundTripOnly,
    [property: JsonPropertyName("cost_per_million_1kib_records_usd")] double CostPerMillion1KibRecordsUsd,
    [property: JsonPropertyName("baseline_cost_per_million_1kib_records_usd")] double BaselineCostPerMillion1KibRecordsUsd);

[JsonSerializable(typeof(RelayFigures))]
internal sealed partial class RelayFiguresJsonContext : JsonSerializerContext;
