using Replicator.Relay;

namespace Replicator.Monitoring;

/// <summary>How far one source shard's records are from being durable in one target region.</summary>
/// <param name="Checkpoint">The target's checkpoint for this shard; null before its first batch.</param>
/// <param name="RecordsBehind">Records after the checkpoint, counted up to the measurement's cap.</param>
/// <param name="AtLeast">True when counting stopped at the cap: there are at least that many.</param>
/// <param name="SecondsBehind">Age of the oldest record not yet replicated; 0 when caught up, however idle the stream.</param>
/// <param name="Frontier">What the shard tells the watermark.</param>
public sealed record ShardLag(string ShardId, ShardCheckpoint? Checkpoint, long RecordsBehind, bool AtLeast, double SecondsBehind, ShardFrontier Frontier)
{
    /// <summary>A reshard closed the shard (it has an ending sequence number): it takes no more records.</summary>
    public bool Closed { get; init; }

    /// <summary>Closed and replicated to its end: nothing of it is left to relay, and it holds back neither the watermark nor the drain.</summary>
    public bool Done => Closed && RecordsBehind == 0 && Frontier.PendingFullyRead;
}
