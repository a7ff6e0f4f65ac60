namespace Replicator.Consumers;

/// <summary>
/// How far a consumer got in one shard of the old region's stream: through a sequence number, not yet
/// started (<see cref="FromStart"/>), or done with every record there is (<see cref="Done"/>).
/// </summary>
public sealed record SourcePosition(string ShardId, string? ProcessedThrough, bool Finished)
{
    public static SourcePosition FromStart(string shardId) => new(shardId, null, false);

    public static SourcePosition Through(string shardId, string sequenceNumber) => new(shardId, sequenceNumber, false);

    public static SourcePosition Done(string shardId) => new(shardId, null, true);
}
