using Replicator.Relay;

namespace Replicator.Replay;

/// <summary>
/// What a lagging target is about to lose, for a replay started by the retention alarm: from the
/// stream's watermark (<c>lastReplicatedCommitTimestamp</c>, which the lag monitor keeps: every record
/// committed at or before it is in every target), to the stream's retention edge an hour from now
/// (records older than that will have expired before the relay can read them). Records the relay still
/// delivers in that hour arrive twice; that is the price of not losing them.
/// </summary>
public sealed class AtRiskRange(CheckpointStore checkpoints, Func<string, CancellationToken, Task<int>> retentionHoursOf, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <exception cref="Lambda.InvalidFunctionInputException">The stream has no watermark yet, so nothing says where the target is.</exception>
    /// <exception cref="NothingAtRiskException">The target is ahead of the retention edge.</exception>
    public async Task<(DateTimeOffset From, DateTimeOffset To)> OfAsync(string stream, string targetRegion, CancellationToken cancellationToken)
    {
        if ((await checkpoints.ReadWatermarkAsync(stream, cancellationToken).ConfigureAwait(false)).Value is not { } from)
        {
            throw new Lambda.InvalidFunctionInputException(
                $"replay-plan: atRisk starts at the stream's watermark (lastReplicatedCommitTimestamp), and {stream} has none yet (the lag monitor sets it once every shard's replication to every target is known); give from and to instead.");
        }

        var to = time.GetUtcNow() - TimeSpan.FromHours(await retentionHoursOf(stream, cancellationToken).ConfigureAwait(false)) + Window;
        return from < to
            ? (from, to)
            : throw new NothingAtRiskException($"{stream} → {targetRegion}: the watermark has reached {from:O}, past the retention edge an hour from now ({to:O}); nothing is about to expire unreplicated.");
    }
}

/// <summary>The target is ahead of the stream's retention edge: an at-risk replay has nothing to do.</summary>
public sealed class NothingAtRiskException(string message) : Exception(message);
