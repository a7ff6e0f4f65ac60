namespace Replicator.Failover;

/// <summary>A consumer the failover moves: a KCL application, by its lease table (its application name), the same name in both regions.</summary>
public sealed record ConsumerToMove(string LeaseTable);

public sealed record ConsumersRequest(string StreamName, string SourceRegion, string TargetRegion, IReadOnlyList<ConsumerToMove> Consumers);

/// <param name="FromTrimHorizon">Target shards it starts at TRIM_HORIZON, for want of samples reaching back.</param>
/// <param name="DuplicateBound">The most records it reads again in the target (null: unknown, some shard starts at TRIM_HORIZON).</param>
public sealed record ConsumerMoved(string LeaseTable, int TargetShards, int FromTrimHorizon, long? DuplicateBound, int SamplesRead);

/// <param name="Error">Set by the machine when the step failed: the consumers it names were not moved.</param>
public sealed record ConsumersMoved(IReadOnlyList<ConsumerMoved> Translated)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }
}
