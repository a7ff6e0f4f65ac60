using Replicator.LocalCloud.Verification;
using Replicator.Relay;

namespace Replicator.LocalCloud.Demo;

public sealed record DemoResult(
    ReplicationCheck Check,
    int Shards,
    IReadOnlyList<ShardResult> ShardResults,
    DateTimeOffset? ReplicatedUpTo,
    TimeSpan Wall)
{
    public bool CheckpointsAtTails => ShardResults.All(s => s.CheckpointAtTail);

    public bool Passed => Check.Passed && CheckpointsAtTails;
}

/// <summary>One source shard: its tail, and the checkpoint the relay wrote for region B.</summary>
public sealed record ShardResult(string ShardId, int Records, string? TailSequenceNumber, ShardCheckpoint? Checkpoint)
{
    public bool CheckpointAtTail => TailSequenceNumber is null ? Checkpoint is null : Checkpoint?.SequenceNumber == TailSequenceNumber;
}
