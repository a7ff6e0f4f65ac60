using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Replicator.Aws.Kinesis;
using Replicator.Relay;

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

    /// <summary>Shards (id, hash range, parents, open or closed) and the records each holds, by key and per-key number.</summary>
    private sealed class ModelStream
    {
        private const int HashSpace = 1 << 16;
        private readonly List<(string Id, int Start, int End, string? Parent, string? Adjacent, bool Closed)> _shards = [];
        private readonly Dictionary<int, int> _nextOfKey = [];

        public Dictionary<string, List<(int Key, int N)>> Records { get; } = new(StringComparer.Ordinal);

        public static ModelStream Random(Random random)
        {
            var stream = new ModelStream();
            var initial = random.Next(1, 4);
            for (var i = 0; i < initial; i++)
            {
                stream.Add(i * HashSpace / initial, ((i + 1) * HashSpace / initial) - 1, null, null);
            }

            var keys = random.Next(1, 12);
            for (var step = random.Next(5, 40); step > 0; step--)
            {
                switch (random.Next(10))
                {
                    case 0:
                        stream.Split(random);
                        break;
                    case 1:
                        stream.Merge(random);
                        break;
                    default:
                        stream.Write(random.Next(keys), count: random.Next(1, 8));
                        break;
                }
            }

            return stream;
        }

        public IReadOnlyList<Shard> ListShards() =>
            _shards.Select(s => new Shard(s.Id, new HashKeyRange($"{s.Start}", $"{s.End}"), new SequenceNumberRange("0", s.Closed ? "9" : null))
            {
                ParentShardId = s.Parent,
                AdjacentParentShardId = s.Adjacent,
            }).ToList();

        public string Describe() => string.Join("; ", _shards.Select(s => $"{s.Id}[{s.Start}-{s.End}]<-{s.Parent},{s.Adjacent}"));

        private List<int> Open() => Enumerable.Range(0, _shards.Count).Where(i => !_shards[i].Closed).OrderBy(i => _shards[i].Start).ToList();

        private void Add(int start, int end, string? parent, string? adjacent)
        {
            var id = $"shardId-{_shards.Count:D12}";
            _shards.Add((id, start, end, parent, adjacent, false));
            Records[id] = [];
        }

        /// <summary>A key's hash: fixed per key, spread over the space.</summary>
        private static int HashOf(int key) => (int)((uint)(key * 2654435761u) % HashSpace);

        private void Write(int key, int count)
        {
            var shard = _shards.First(s => !s.Closed && s.Start <= HashOf(key) && HashOf(key) <= s.End);
            for (var i = 0; i < count; i++)
            {
                var n = _nextOfKey.GetValueOrDefault(key);
                _nextOfKey[key] = n + 1;
                Records[shard.Id].Add((key, n));
            }
        }

        private void Split(Random random)
        {
            var candidates = Open().Where(i => _shards[i].End - _shards[i].Start >= 4).ToList();
            if (candidates.Count == 0)
            {
                return;
            }

            var index = candidates[random.Next(candidates.Count)];
            var (id, start, end, _, _, _) = _shards[index];
            var middle = random.Next(start + 2, end - 1);
            _shards[index] = _shards[index] with { Closed = true };
            Add(start, middle - 1, id, null);
            Add(middle, end, id, null);
        }

        private void Merge(Random random)
        {
            var open = Open();
            if (open.Count < 2)
            {
                return;
            }

            var at = random.Next(open.Count - 1);
            var (left, right) = (open[at], open[at + 1]);
            _shards[left] = _shards[left] with { Closed = true };
            _shards[right] = _shards[right] with { Closed = true };
            Add(_shards[left].Start, _shards[right].End, _shards[left].Id, _shards[right].Id);
        }
    }
}
