namespace Replicator.Failover;

/// <summary>One poll of the drain: the state machine passes the previous status back in, so the drain keeps no state of its own.</summary>
public sealed record DrainRequest(
    string StreamName,
    string SourceRegion,
    string TargetRegion,
    DateTimeOffset StartedAt,
    double DrainTimeoutSeconds,
    double SettleSeconds,
    DrainStatus? Previous);

/// <param name="Drained">Every source shard's checkpoint for the target, and for every other region the source feeds, is at the shard's tail now.</param>
/// <param name="Settled">Drained, and continuously so for the settle period (producers with a cached DNS answer have stopped).</param>
/// <param name="TimedOut">Not settled within the drain timeout, counted from the execution's start.</param>
/// <param name="SourceReachable">This poll could read the source stream; when not, <paramref name="Measurement"/> is the last one that could.</param>
/// <param name="Error">Why the source could not be read, when it could not.</param>
/// <param name="PollAfterSeconds">How long the machine waits before polling again (<see cref="DrainFunction.PollAfterSeconds"/>).</param>
public sealed record DrainStatus(
    bool Drained,
    bool Settled,
    bool TimedOut,
    bool SourceReachable,
    DateTimeOffset? DrainedSince,
    DrainMeasurement? Measurement,
    string? Error,
    int PollAfterSeconds = 1)
{
    /// <summary>What is left for each other region the source feeds (a third region of a fan-out), as last measured.</summary>
    public IReadOnlyList<TargetDrain>? OtherTargets { get; init; }
}

/// <summary>What a region the source feeds, other than the failover's target, has still to receive from it.</summary>
public sealed record TargetDrain(string Region, long RecordsBehind, bool AtLeast);

/// <summary>What was left to replicate when last measured: after ingress stopped, this is what a forced failover loses.</summary>
/// <param name="RecoveryPoint">The watermark measured: every record then in the source with a commit timestamp at or before it was in the target (<see cref="Relay.Watermark"/>).</param>
public sealed record DrainMeasurement(DateTimeOffset MeasuredAt, long RecordsBehind, bool AtLeast, double SecondsBehind, IReadOnlyList<ShardDrain> Shards, DateTimeOffset? RecoveryPoint);

/// <param name="SequenceNumber">The relay's checkpoint for the target on this shard; null before its first batch.</param>
public sealed record ShardDrain(string ShardId, string? SequenceNumber, long RecordsBehind);
