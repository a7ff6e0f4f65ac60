namespace Replicator.Consumers;

/// <summary>
/// Where a translated consumer starts in one shard of the new region's stream: after
/// <see cref="StartAfter"/>, at TRIM_HORIZON when it is null, or nowhere (<see cref="Finished"/>: a
/// closed shard holding nothing the consumer has not processed). <see cref="DuplicateBound"/> counts the
/// copies after the start the consumer had processed in the old region, from the samples (an upper bound);
/// null when the samples do not reach back far enough to know.
/// </summary>
public sealed record TargetPosition(string ShardId, string? StartAfter, bool Finished, long? DuplicateBound, string Reason)
{
    public bool FromTrimHorizon => StartAfter is null && !Finished;
}
