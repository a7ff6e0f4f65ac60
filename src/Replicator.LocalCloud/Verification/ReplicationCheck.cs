using Replicator.Relay;

namespace Replicator.LocalCloud.Verification;

/// <summary>
/// Checks the replication contract record by record: for every key, the target's records, after
/// dropping later copies of a record already seen, are the source's records in the source's order
/// (<see cref="RelayOrdering.Strict"/>, and <see cref="RelayOrdering.Aggregated"/> once aggregates are
/// split: <see cref="ShardContents.UserRecords"/>); or after dropping earlier copies of a record seen again
/// (<see cref="RelayOrdering.Packed"/>).
/// </summary>
public sealed record ReplicationCheck(int Produced, int Found, int Missing, int Duplicates, int OrderViolations, int Unexpected)
{
    public bool Passed => Missing == 0 && OrderViolations == 0 && Unexpected == 0;

    /// <param name="produced">What the producer got acknowledged, in the order it was produced.</param>
    /// <param name="target">The target's records, per shard in shard order (shards concatenated).</param>
    public static ReplicationCheck Compare(IReadOnlyList<CdcRecord> produced, IEnumerable<CdcRecord> target, RelayOrdering ordering = RelayOrdering.Strict)
    {
        // Packed keeps last copies: walked backwards, they are the first seen, and n must then decrease within a key.
        var walk = ordering == RelayOrdering.Packed ? target.Reverse() : target;
        var direction = ordering == RelayOrdering.Packed ? -1 : 1;
        var expected = produced.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Select(r => r.N).ToList());
        var seen = new HashSet<(long, long)>();
        var lastByKey = new Dictionary<long, long>();
        int found = 0, duplicates = 0, violations = 0, unexpected = 0;
        foreach (var record in walk)
        {
            if (!expected.TryGetValue(record.Key, out var keyRecords) || !keyRecords.Contains(record.N))
            {
                unexpected++;
                continue;
            }

            if (!seen.Add((record.Key, record.N)))
            {
                duplicates++;
                continue;
            }

            found++;
            // The kept copies must appear in the order the source had them (n increases within a key).
            if (lastByKey.TryGetValue(record.Key, out var last) && direction * record.N < direction * last)
            {
                violations++;
            }

            lastByKey[record.Key] = record.N;
        }

        return new ReplicationCheck(produced.Count, found, produced.Count - found, duplicates, violations, unexpected);
    }
}
