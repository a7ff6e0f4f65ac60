using Replicator.Relay;

namespace Replicator.Replay;

/// <summary>
/// What a lagging target is about to lose, for a replay started by the retention alarm: from the oldest
/// commit timestamp the target's checkpoints have reached on any shard, to the stream's retention edge
/// an hour from now (records older than that will have expired before the relay can read them).
/// Records the relay still delivers in that hour arrive twice; that is the price of not losing them.
/// </summary>
/// <param name="sourceRegion">The region whose stream lags (this region): the checkpoints read are its relays'.</param>
public sealed class AtRiskRange(CheckpointStore checkpoints, string sourceRegion, Func<string, CancellationToken, Task<int>> retentionHoursOf, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <exception cref="Lambda.InvalidFunctionInputException">The target has no checkpoints for the stream, so nothing says where it is.</exception>
    /// <exception cref="NothingAtRiskException">The target is ahead of the retention edge.</exception>
    public async Task<(DateTimeOffset From, DateTimeOffset To)> OfAsync(string stream, string targetRegion, CancellationToken cancellationToken)
    {
        var shards = (await checkpoints.ReadAsync(stream, cancellationToken).ConfigureAwait(false)).OfSource(sourceRegion).Shards.Where(s => s.TargetRegion == targetRegion).ToList();
        if (shards.Count == 0)
        {
            throw new Lambda.InvalidFunctionInputException(
                $"replay-plan: atRisk needs the target's checkpoints, and {stream} has none for {targetRegion}; give from and to instead.");
        }

        var from = shards.Min(s => s.CommitTimestamp);
        var to = time.GetUtcNow() - TimeSpan.FromHours(await retentionHoursOf(stream, cancellationToken).ConfigureAwait(false)) + Window;
        return from < to
            ? (from, to)
            : throw new NothingAtRiskException($"{stream} → {targetRegion}: the checkpoints have reached {from:O}, past the retention edge an hour from now ({to:O}); nothing is about to expire unreplicated.");
    }
}

/// <summary>The target is ahead of the stream's retention edge: an at-risk replay has nothing to do.</summary>
public sealed class NothingAtRiskException(string message) : Exception(message);
