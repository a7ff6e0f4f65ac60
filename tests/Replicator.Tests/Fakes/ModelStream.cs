using Replicator.Aws.Kinesis;

namespace Replicator.Tests.Fakes;

/// <summary>Shards (id, hash range, parents, open or closed) and the records each holds, by key and per-key number.</summary>
public sealed class ModelStream
{
    private const int HashSpace = 1 << 16;
    private readonly List<(string Id, int Start, int End, string? Parent, string? Adjacent, bool Closed)> _shards = [];
    private readonly Dictionary<int, int> _nextOfKey = [];
    private readonly Random? _ids;

    /// <param name="ids">Given, shard ids are drawn at random rather than numbered in creation order: Kinesis numbers a child after its parents in practice, but does not promise it.</param>
    private ModelStream(Random? ids) => _ids = ids;

    public Dictionary<string, List<(int Key, int N)>> Records { get; } = new(StringComparer.Ordinal);

    public static ModelStream Random(Random random, bool randomIds = false)
    {
        var stream = new ModelStream(randomIds ? new Random(random.Next()) : null);
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
        var id = _ids is null ? $"shardId-{_shards.Count:D12}" : UnusedRandomId(_ids);
        _shards.Add((id, start, end, parent, adjacent, false));
        Records[id] = [];
    }

    private string UnusedRandomId(Random ids)
    {
        while (true)
        {
            var id = $"shardId-{ids.Next(1_000_000):D12}";
            if (!Records.ContainsKey(id))
            {
                return id;
            }
        }
    }

    /// <summary>A shard's parents, their parents and so on, as ListShards names them.</summary>
    public IReadOnlyList<string> AncestorsOf(string shardId)
    {
        var ancestors = new List<string>();
        var next = new Queue<string>([shardId]);
        while (next.TryDequeue(out var id))
        {
            foreach (var parent in _shards.Where(s => s.Id == id).SelectMany(s => new[] { s.Parent, s.Adjacent }).OfType<string>().Where(p => !ancestors.Contains(p)))
            {
                ancestors.Add(parent);
                next.Enqueue(parent);
            }
        }

        return ancestors;
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
