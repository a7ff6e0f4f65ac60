namespace Replicator.Failover;

public sealed record VerifyRequest(string StreamName, string SourceRegion, string TargetRegion, bool Force, DrainStatus Drain);

/// <param name="VerifiedAt">When the target's view was read, after the fence: the new active region relays only records that arrive later.</param>
/// <param name="RecoveryPoint">The latest commit timestamp replicated on every shard, as the target region's table sees it.</param>
/// <param name="RpoRecords">Records not replicated: 0 when drained; the last measurement when forced; null when the source was never readable.</param>
/// <param name="RpoSeconds">Age of the oldest record not replicated when last measured; without a measurement, time since the recovery point.</param>
public sealed record VerifyResult(
    DateTimeOffset VerifiedAt,
    DateTimeOffset? RecoveryPoint,
    long? RpoRecords,
    bool RpoRecordsAtLeast,
    double? RpoSeconds,
    bool Forced)
{
    /// <summary>How the target stream's configuration differs from the source's, each with the setting to change (none when the source did not answer).</summary>
    public IReadOnlyList<string>? StreamDifferences { get; init; }

    /// <summary>
    /// Where the producers' source (a CDC log, by commit time) resumes into the new region: every record
    /// committed at or before it is there (the recovery point), so re-producing what was committed after
    /// it leaves nothing missing. Without a recovery point nothing is known replicated: the epoch, that
    /// is, re-produce everything still held. The flip writes it into the config item.
    /// </summary>
    public DateTimeOffset ResumeProducersFrom => RecoveryPoint ?? DateTimeOffset.UnixEpoch;
}
