using System.Globalization;
using Replicator.Consumers;
using Replicator.Relay;

namespace Replicator.Tests.Consumers;

/// <summary>
/// A relay's history, modelled: source shards of keyed records, copied batch by batch into target shards
/// chosen by key, the shards' batches interleaved request by request, attempts that land part of a batch
/// and then fail (the mapping resends from the first record not durable) or crash (no sample, no
/// checkpoint: the batch is sent again whole), and PutRecords answering a request's records in any order.
/// Every copy is kept, with the source record it copies, and the samples the relay would have written.
/// </summary>
internal sealed class ModelRelay
{
    public sealed record Copy(string TargetShard, long TargetSequence, string SourceShard, long SourceSequence, DateTimeOffset Arrival);

    public List<string> SourceShards { get; } = [];
    public Dictionary<string, List<long>> SourceRecords { get; } = [];
    public List<TargetShard> Targets { get; } = [];
    public List<Copy> Copies { get; } = [];
    public Dictionary<string, List<PositionSample>> Samples { get; } = [];

    /// <summary>Copies that landed in an attempt that crashed before its sample: the bound may not count them.</summary>
    public int UnsampledCopies { get; private set; }

    public static ModelRelay Random(Random random)
    {
        var model = new ModelRelay();
        var targetCount = random.Next(1, 5);
        for (var t = 0; t < targetCount; t++)
        {
            model.Targets.Add(new TargetShard($"shardId-00000000000{t}", [], "0", "1", Closed: false));
        }

        var sourceCount = random.Next(1, 5);
        var sequence = 1000L;
        for (var s = 0; s < sourceCount; s++)
        {
            var shard = $"shardId-00000000010{s}";
            model.SourceShards.Add(shard);
            model.SourceRecords[shard] = Enumerable.Range(0, random.Next(0, 60)).Select(_ => sequence += random.Next(1, 5)).ToList();
            model.Samples[shard] = [];
        }

        model.Relay(random);
        return model;
    }

    private void Relay(Random random)
    {
        var targetSequence = Targets.ToDictionary(t => t.ShardId, _ => 5000L);
        var next = SourceShards.ToDictionary(s => s, _ => 0);
        var inFlight = new Dictionary<string, Attempt>();
        var clock = DateTimeOffset.UnixEpoch;
        while (next.Any(n => n.Value < SourceRecords[n.Key].Count) || inFlight.Count > 0)
        {
            clock += TimeSpan.FromMilliseconds(10);
            var shard = SourceShards[random.Next(SourceShards.Count)];
            if (!inFlight.TryGetValue(shard, out var attempt))
            {
                var records = SourceRecords[shard];
                if (next[shard] >= records.Count)
                {
                    continue;
                }

                var size = Math.Min(random.Next(1, 12), records.Count - next[shard]);
                inFlight[shard] = new Attempt(next[shard], size, clock);
                continue;
            }

            // One request of the attempt: a few of its pending records, landing in any order, some refused.
            var pending = attempt.Pending();
            var request = pending.Take(random.Next(1, 5)).ToList();
            foreach (var index in request.OrderBy(_ => random.Next()))
            {
                if (random.NextDouble() < 0.15)
                {
                    continue;
                }

                var sourceSequence = SourceRecords[shard][index];
                var target = Targets[(int)(KeyOf(sourceSequence) % Targets.Count)].ShardId;
                var copy = new Copy(target, targetSequence[target] += random.Next(1, 3), shard, sourceSequence, clock);
                Copies.Add(copy);
                attempt.Landed[index] = copy;
            }

            // A refused record may be sent again in a later request of the same attempt, as the relay does.
            attempt.Sent.UnionWith(request.Where(i => attempt.Landed.ContainsKey(i) || random.NextDouble() < 0.5));
            if (attempt.Pending().Count > 0 && random.NextDouble() < 0.8)
            {
                continue;
            }

            inFlight.Remove(shard);
            var durable = attempt.DurablePrefix();
            var crashed = random.NextDouble() < 0.1;
            if (crashed || durable == 0)
            {
                UnsampledCopies += attempt.Landed.Count;
                continue;
            }

            Samples[shard].RemoveAll(s => s.FirstSourceSequenceNumber == Text(SourceRecords[shard][attempt.First]));
            Samples[shard].Add(new PositionSample(shard, Text(SourceRecords[shard][attempt.First]), attempt.StartedAt, Landings(attempt)));
            next[shard] = attempt.First + durable;
        }
    }

    /// <summary>Some records share a key, so a key's copies stay in one target shard.</summary>
    private static long KeyOf(long sourceSequence) => sourceSequence / 3;

    private static Dictionary<string, TargetShardLanding> Landings(Attempt attempt)
    {
        var landings = new TargetLandings();
        landings.Add(attempt.Landed.Values
            .Select(c => new Replicator.Aws.Kinesis.PutRecordsResultEntry(Text(c.TargetSequence), c.TargetShard, null, null))
            .ToList());
        return landings.ByShard.ToDictionary(l => l.Key, l => l.Value);
    }

    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class Attempt(int first, int size, DateTimeOffset startedAt)
    {
        public int First => first;
        public DateTimeOffset StartedAt => startedAt;
        public HashSet<int> Sent { get; } = [];
        public Dictionary<int, Copy> Landed { get; } = [];

        public List<int> Pending() => Enumerable.Range(first, size).Where(i => !Sent.Contains(i)).ToList();

        public int DurablePrefix()
        {
            var prefix = 0;
            while (prefix < size && Landed.ContainsKey(first + prefix))
            {
                prefix++;
            }

            return prefix;
        }
    }
}
