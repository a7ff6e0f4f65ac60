namespace Replicator.Relay;

/// <summary>
/// The stream's replication watermark (seed 004's <c>lastReplicatedCommitTimestamp</c>, and the
/// failover's recovery point). Its promise: every record in the source stream when it was computed
/// whose commit timestamp is at or before it, is in the target.
/// <list type="bullet">
/// <item>Only unreplicated records can break the promise, so only their commits bound it: it sits just
/// below the earliest of them. A shard caught up to its tail, or closed and fully replicated, bounds nothing.</item>
/// <item>Records without a commit timestamp are outside the promise, so they never move it.</item>
/// <item>Commits are taken no later than the record's arrival (<see cref="CommitTimestamps.Effective"/>):
/// a producer's clock far ahead cannot raise it past what has arrived.</item>
/// <item>Where the read of a shard stopped short of its tail (a backlog longer than one read), the
/// unread records are assumed to carry no commit earlier than the shard's latest replicated or earliest
/// pending one (CDC producers write a shard in commit order, up to the disorder of one read's span);
/// a shard with neither makes the watermark unknown.</item>
/// <item>When nothing pending bounds it, everything read is replicated, and it is the latest replicated commit.</item>
/// </list>
/// </summary>
public static class Watermark
{
    /// <summary>Commit timestamps are stored to the millisecond: one below the earliest pending commit is the latest time the promise holds for.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(1);

    /// <returns>Null when some shard gives no bound at all: nothing is proven yet.</returns>
    public static DateTimeOffset? Over(IEnumerable<ShardFrontier> shards)
    {
        DateTimeOffset? pending = null;
        DateTimeOffset? replicated = null;
        foreach (var shard in shards)
        {
            replicated = Later(replicated, shard.LatestReplicatedCommit);
            var bound = shard.PendingFullyRead
                ? shard.EarliestPendingCommit
                : Earlier(shard.EarliestPendingCommit, shard.LatestReplicatedCommit);
            if (!shard.PendingFullyRead && bound is null)
            {
                return null;
            }

            pending = Earlier(pending, bound);
        }

        return pending is { } earliest ? Floor(earliest) - Resolution : replicated is { } latest ? Floor(latest) : null;
    }

    private static DateTimeOffset Floor(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % Resolution.Ticks), TimeSpan.Zero);

    private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
