using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Replicator.Aws.Kinesis;
using Replicator.Relay;
using Replicator.Tests.Fakes;

namespace Replicator.Tests.Relay;

/// <summary>
/// Issue 16: for random lineages (splits and merges in any order, between writes) and random delivery
/// interleavings that a mapping may produce (any shard's next batch at any time, children before their
/// parents included), the relay's parent-before-child rule (<see cref="ShardLineage"/>) keeps every
/// key's records in the order they were written. The stream is modelled in memory as Kinesis shapes it:
/// a record goes to the open shard whose hash range holds its key, a split closes one shard into two
/// halves, a merge closes two neighbours into one.
/// </summary>
public sealed class ShardLineageProperties
{
    private const string Stream = "orders";

    [Property(MaxTest = 300)]
    public Property Every_key_keeps_its_order_across_any_lineage_and_any_interleaving(int seed)
    {
        var random = new Random(seed);
        var stream = ModelStream.Random(random);
        var relayed = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineage = new ShardLineage(
            (_, _) => Task.FromResult(stream.ListShards()),
            (_, parent, _) => Task.FromResult(relayed.GetValueOrDefault(parent.ShardId) == stream.Records[parent.ShardId].Count));

        var target = new List<(int Key, int N)>();
        var waits = 0;
        while (stream.Records.Any(s => relayed.GetValueOrDefault(s.Key) < s.Value.Count))
        {
            // The unfavourable mapping: any shard with records left, whatever its parents.
            var pending = stream.Records.Where(s => relayed.GetValueOrDefault(s.Key) < s.Value.Count).Select(s => s.Key).ToList();
            var shard = pending[random.Next(pending.Count)];
            if (lineage.WaitingForAsync(Stream, shard, CancellationToken.None).GetAwaiter().GetResult() is not null)
            {
                if (++waits > 100_000)
                {
                    return false.Label("the rule never let some shard go on");
                }

                continue;
            }

            var from = relayed.GetValueOrDefault(shard);
            var batch = stream.Records[shard].Skip(from).Take(random.Next(1, 6)).ToList();
            target.AddRange(batch);
            relayed[shard] = from + batch.Count;
        }

        var outOfOrder = target.GroupBy(r => r.Key).Where(k => !k.Select(r => r.N).SequenceEqual(Enumerable.Range(0, k.Count()))).Select(k => k.Key).ToList();
        return (outOfOrder.Count == 0).Label($"keys out of order: {string.Join(", ", outOfOrder)} (lineage: {stream.Describe()})");
    }
}
