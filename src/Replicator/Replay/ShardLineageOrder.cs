using Replicator.Archive;
using Replicator.Relay;

namespace Replicator.Replay;

/// <summary>
/// The order an hour of the archive is replayed in. A key's records are in one shard until a reshard,
/// then in a child (issue 16), so within a shard records go by sequence number and a shard's go before
/// every descendant's; lineage comes from the envelopes' ancestor ids. Across shards the records are
/// interleaved by arrival time, as the stream held them (issue 18): replaying shard by shard packs a
/// key's records closer together than they were, and under strict order a request holds one record
/// per key, so requests stayed small.
/// </summary>
/// <remarks>
/// Kinesis promises nothing about arrival times within a shard, so a record is placed at the latest
/// arrival time of its shard up to it (never before an earlier record of its shard), and a shard's first
/// record after the last of its ancestors'. Ties go by shard id, then sequence number. Shards the
/// lineage does not relate (other branches, or lines archived without ancestor ids) interleave by
/// arrival: a parent closes before its children take writes, so its records arrived first.
/// </remarks>
public static class ShardLineageOrder
{
    /// <summary>
    /// The records in replay order, each once (Firehose delivers at least once), each with its position: a
    /// cursor that orders as the records do, so that everything at or before a position is done.
    /// </summary>
    public static List<PlacedRecord> Order(IEnumerable<ArchiveEnvelope> records, string hour)
    {
        var all = records as IReadOnlyCollection<ArchiveEnvelope> ?? records.ToList();
        var (rank, ancestors) = Lineage(all);
        var placedUpTo = new Dictionary<string, long>(StringComparer.Ordinal);
        var placed = new List<PlacedRecord>(all.Count);
        foreach (var shard in all.GroupBy(r => r.ShardId, StringComparer.Ordinal).OrderBy(g => rank[g.Key]))
        {
            // After every record of its ancestors in this hour (their ranks are lower, so they are placed).
            var time = ancestors[shard.Key].Select(a => placedUpTo.TryGetValue(a, out var t) ? t + 1 : long.MinValue).DefaultIfEmpty(long.MinValue).Max();
            string? previous = null;
            foreach (var record in shard.OrderBy(r => r.SequenceNumber, Comparer<string>.Create(SequenceNumbers.Compare)))
            {
                if (previous is not null && SequenceNumbers.Compare(previous, record.SequenceNumber) == 0)
                {
                    continue;
                }

                previous = record.SequenceNumber;
                time = Math.Max(time, record.ArrivalTime.UtcTicks);
                placed.Add(new PlacedRecord(record, LaneCursor.At(hour, time, record)));
            }

            placedUpTo[shard.Key] = time;
        }

        placed.Sort((left, right) => string.CompareOrdinal(left.Position.Value, right.Position.Value));
        return placed;
    }

    /// <summary>
    /// Each shard's place: a topological order of the lineage (Kahn's), taking the lowest shard id among
    /// the shards whose parents are all placed. A cycle cannot come from Kinesis; lines that claim one
    /// are placed by shard id rather than lost.
    /// </summary>
    private static (IReadOnlyDictionary<string, int> Rank, IReadOnlyDictionary<string, HashSet<string>> Ancestors) Lineage(IEnumerable<ArchiveEnvelope> records)
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

        return (rank, parents);
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

/// <param name="Position">Where the record is in its hour's replay order: a lane whose cursor is here has made it durable.</param>
public sealed record PlacedRecord(ArchiveEnvelope Envelope, LaneCursor Position);
