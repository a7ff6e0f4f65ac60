namespace Replicator.Relay;

/// <summary>
/// Where one relay invocation put one source shard's batch in the target: its first delivered source
/// record, the time before its first PutRecords, and per target shard the first and last sequence
/// numbers it landed there. Every later batch of the shard lands after it (one batch in flight per
/// shard), which is what lets <c>Consumers.PositionTranslation</c> turn a consumer's source position
/// into target positions.
/// </summary>
public sealed record PositionSample(
    string SourceShardId,
    string FirstSourceSequenceNumber,
    DateTimeOffset StartedAt,
    IReadOnlyDictionary<string, TargetShardLanding> Targets);
