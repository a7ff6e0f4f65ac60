namespace Replicator.Relay;

/// <summary>
/// The <c>streamName</c> key value of a shard's checkpoint item: <c>{stream}/checkpoint/{source}/{target}/{shardId}</c>.
/// Stream names, region names and shard ids cannot contain '/', so no checkpoint key is a stream's own
/// key (seed 004's item, which keeps <c>lastReplicatedCommitTimestamp</c>) or another checkpoint's.
/// </summary>
public static class CheckpointKeys
{
    public static string Of(string streamName, string sourceRegion, string targetRegion, string shardId) =>
        $"{streamName}/checkpoint/{sourceRegion}/{targetRegion}/{shardId}";
}
