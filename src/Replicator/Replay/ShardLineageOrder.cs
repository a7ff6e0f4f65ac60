using Replicator.Archive;
using Replicator.Relay;

namespace Replicator.Replay;

/// <summary>
/// The order an hour of the archive is replayed in (issue 16): a key's records are in one shard until a
/// reshard, then in a child, so a shard's records go before every descendant's, and within a shard by
/// sequence number. Lineage comes from the envelopes' ancestor ids. Shards it does not relate (other
/// branches, or lines archived without ancestor ids) go by shard id: Kinesis numbers a child after its
/// parents in practice, but does not promise it, which is why the ancestor ids are archived.
/// </summary>
public static class ShardLineageOrder
{
    /// <summary>Sorts <paramref name="records"/> in place: ancestors' shards first, then by sequence number.</summary>
    public static void Sort(List<ArchiveEnvelope> records)
    {
        var rank = Ranks(records);
        records.Sort((left, right) => Compare(left, right, rank));
    }

    /// <summary>0 for the same record (a copy Firehose delivered twice), as the sort orders them.</summary>
    private static int Compare(ArchiveEnvelope left, ArchiveEnvelope right, IReadOnlyDictionary<string, int> rank) =>
        rank[left.ShardId].CompareTo(rank[right.ShardId]) is var byShard and not 0 ? byShard : SequenceNumbers.Compare(left.SequenceNumber, right.SequenceNumber);

    /// <summary>
    /// Each shard's place: a topological order of the lineage (Kahn's), taking the lowest shard id among
    /// the shards whose parents are all placed. A cycle cannot come from Kinesis; lines that claim one
    /// are placed by shard id rather than lost.
    /// </summary>
    public static IReadOnlyDictionary<string, int> Ranks(IEnumerable<ArchiveEnvelope> records)
    {
        // Each shard's ancestors, as the edges of the order.
        var parents = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var own = Node(parents, record.ShardId);
            foreach (var parent in record.AncestorShardIds)
            {
                own.Add(parent);
                Node(parents, parent);
            }
        }

        var children = parents.Keys.ToDictionary(s => s, _ => new List<string>(), StringComparer.Ordinal);
        var waiting = parents.ToDictionary(p => p.Key, p => p.Value.Count, StringComparer.Ordinal);
        foreach (var (shard, itsParents) in parents)
        {
            foreach (var parent in itsParents)
            {
                children[parent].Add(shard);
            }
        }

        var ready = new SortedSet<string>(waiting.Where(w => w.Value == 0).Select(w => w.Key), StringComparer.Ordinal);
        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        while (rank.Count < parents.Count)
        {
            if (ready.Count == 0)
            {
                ready.Add(waiting.Keys.Where(s => !rank.ContainsKey(s)).Min(StringComparer.Ordinal)!);
            }

            var next = ready.Min!;
            ready.Remove(next);
            rank[next] = rank.Count;
            foreach (var child in children[next].Where(c => !rank.ContainsKey(c)))
            {
                if (--waiting[child] <= 0)
                {
                    ready.Add(child);
                }
            }
        }

        return rank;
    }

    private static HashSet<string> Node(Dictionary<string, HashSet<string>> parents, string shard)
    {
        if (!parents.TryGetValue(shard, out var set))
        {
            parents[shard] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        return set;
    }
}
