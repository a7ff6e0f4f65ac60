namespace Replicator.Relay;

/// <summary>Whether this region may replicate a stream now, and what the config table said.</summary>
/// <param name="ActiveSince">
/// When a failover made <see cref="ActiveRegion"/> active. Records that arrived before it were
/// replicated <em>into</em> this region from the previous one, so they are never copied back.
/// </param>
public sealed record GateDecision(bool MayReplicate, string ActiveRegion, string State, long Version, DateTimeOffset? ActiveSince = null)
{
    /// <summary>How many leading records of a shard's batch arrived before this region became active.</summary>
    public int ReplicasAtStart(IReadOnlyList<SourceRecord> records)
    {
        if (ActiveSince is not { } since)
        {
            return 0;
        }

        // Arrival times rise along a shard, so the replicas are a prefix; stopping at the first later
        // record keeps the batch's durable-prefix accounting whole.
        var count = 0;
        while (count < records.Count && records[count].ArrivalTime < since)
        {
            count++;
        }

        return count;
    }
}
