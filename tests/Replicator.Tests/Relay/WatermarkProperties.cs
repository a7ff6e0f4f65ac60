using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Replicator.Aws.Kinesis;
using Replicator.Relay;

namespace Replicator.Tests.Relay;

/// <summary>
/// Issue 14, item 2: the watermark never overstates. Over random streams (shards of records with commit
/// timestamps in and out of order, missing, or dated far past their arrival; checkpoints anywhere; reads
/// that stop short of the tail), a brute-force reference checks its promise record by record: every
/// record whose commit timestamp is at or before the watermark is replicated. The frontiers are built
/// as the relay (<see cref="CommitTimestamps.Latest"/>) and the lag monitor (the effective commit of each
/// unreplicated record read) build them.
/// </summary>
public sealed class WatermarkProperties
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    [Property(MaxTest = 500)]
    public Property Every_record_committed_at_or_before_the_watermark_is_replicated(int seed)
    {
        var stream = RandomStream(new Random(seed), commitless: 0.2, futureDated: 0.1);

        var watermark = Watermark.Over(stream.Select(s => s.Frontier()));
        var overstated = stream.SelectMany(s => s.Pending).Where(r => r.Commit is { } commit && commit <= watermark).ToList();

        return (overstated.Count == 0).Label($"watermark {watermark:O}, yet unreplicated commits {string.Join(", ", overstated.Select(r => r.Commit!.Value.ToString("O")))}");
    }

    /// <summary>Before the fix, a future-dated commit raised the watermark for good: clamped, it never passes what has arrived.</summary>
    [Property(MaxTest = 300)]
    public Property The_watermark_never_passes_the_latest_arrival(int seed)
    {
        var stream = RandomStream(new Random(seed), commitless: 0.1, futureDated: 0.5);

        var watermark = Watermark.Over(stream.Select(s => s.Frontier()));
        var latestArrival = stream.SelectMany(s => s.Records).Select(r => r.Arrival).DefaultIfEmpty(DateTimeOffset.MinValue).Max();

        return (watermark is null || watermark <= latestArrival).Label($"watermark {watermark:O} past the latest arrival {latestArrival:O}");
    }

    /// <summary>Before the fix, a record without a commit timestamp moved the watermark to its arrival time.</summary>
    [Property(MaxTest = 300)]
    public Property Records_without_a_commit_timestamp_never_move_it(int seed)
    {
        var random = new Random(seed);
        var stream = RandomStream(random, commitless: 0, futureDated: 0.1, readsToTheTail: true);
        var withCommitless = stream.Select(s => s.WithCommitlessRecords(random)).ToList();

        var without = Watermark.Over(stream.Select(s => s.Frontier()));
        var with = Watermark.Over(withCommitless.Select(s => s.Frontier()));

        return (without == with).Label($"{without:O} without them, {with:O} with them");
    }

    /// <summary>
    /// Not needlessly low: read to the tail, it is within a millisecond of the earliest unreplicated commit,
    /// and a shard caught up (or without records) does not hold it back; with nothing unreplicated it is the
    /// latest replicated commit. Before the fix, a shard with no checkpoint held it at nothing.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Read_to_the_tail_it_is_as_high_as_the_promise_allows(int seed)
    {
        var stream = RandomStream(new Random(seed), commitless: 0.2, futureDated: 0.1, readsToTheTail: true);

        var watermark = Watermark.Over(stream.Select(s => s.Frontier()));
        var pending = stream.SelectMany(s => s.Pending).Where(r => r.Commit is not null).Select(r => r.EffectiveCommit!.Value).ToList();
        var replicated = stream.SelectMany(s => s.Replicated).Where(r => r.Commit is not null).Select(r => r.EffectiveCommit!.Value).ToList();
        DateTimeOffset? expected = pending.Count > 0 ? Millisecond(pending.Min()) - Watermark.Resolution : replicated.Count > 0 ? Millisecond(replicated.Max()) : null;

        return (watermark == expected).Label($"watermark {watermark:O}, expected {expected:O}");
    }

    [Fact]
    public void A_shard_read_short_of_its_tail_with_no_commit_seen_makes_it_unknown()
    {
        var unknown = new ShardFrontier(LatestReplicatedCommit: null, EarliestPendingCommit: null, PendingFullyRead: false);
        var caughtUp = new ShardFrontier(T0, null, PendingFullyRead: true);

        Assert.Null(Watermark.Over([caughtUp, unknown]));
        Assert.Equal(T0, Watermark.Over([caughtUp, new ShardFrontier(null, null, PendingFullyRead: true)]));
    }

    private static DateTimeOffset Millisecond(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    /// <param name="readsToTheTail">Whether every read after a checkpoint reaches the shard's tail; otherwise each stops after a random page.</param>
    private static List<ShardModel> RandomStream(Random random, double commitless, double futureDated, bool readsToTheTail = false)
    {
        var shards = new List<ShardModel>();
        for (var s = random.Next(1, 5); s > 0; s--)
        {
            var records = new List<RecordModel>();
            var arrival = T0.AddMilliseconds(random.Next(0, 5_000));
            for (var n = random.Next(0, 25); n > 0; n--)
            {
                arrival = arrival.AddMilliseconds(random.Next(0, 2_000));
                DateTimeOffset? commit = random.NextDouble() < commitless ? null
                    : random.NextDouble() < futureDated ? arrival.AddHours(random.Next(1, 1_000))
                    // Committed up to ten seconds before arrival, so keys interleave out of commit order; sub-millisecond parts included.
                    : arrival.AddTicks(-random.NextInt64(0, TimeSpan.TicksPerSecond * 10));
                records.Add(new RecordModel(commit, arrival));
            }

            var checkpoint = random.Next(0, records.Count + 1);
            var page = readsToTheTail ? int.MaxValue : random.Next(1, 8);
            shards.Add(ShardModel.Of(records, checkpoint, page));
        }

        return shards;
    }

    private sealed record RecordModel(DateTimeOffset? Commit, DateTimeOffset Arrival)
    {
        public DateTimeOffset? EffectiveCommit => Commit is { } commit ? CommitTimestamps.Effective(commit, Arrival) : null;

        public SourceRecord ToSource(int index) => new(
            index,
            (1000 + index).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "key",
            Base64Data.FromBytes(Encoding.UTF8.GetBytes(Commit is { } commit ? $"{{\"commitTimestamp\":\"{commit.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'}\",\"after\":{{}}}}" : "{\"after\":{}}")),
            Arrival);
    }

    /// <summary>A shard: its records, how many are replicated, and how many after those one lag-monitor read returns.</summary>
    private sealed record ShardModel(List<RecordModel> Records, int Checkpoint, int Page)
    {
        public IEnumerable<RecordModel> Replicated => Records.Take(Checkpoint);

        public IEnumerable<RecordModel> Pending => Records.Skip(Checkpoint);

        /// <summary>
        /// The watermark's documented assumption about records past a read (a CDC producer writes a shard
        /// in commit order, up to one read's span): none carries a commit before the shard's latest
        /// replicated or earliest read pending one. The generator moves any that would.
        /// </summary>
        public static ShardModel Of(List<RecordModel> records, int checkpoint, int page)
        {
            var shard = new ShardModel(records, checkpoint, page);
            var frontier = shard.Frontier();
            var floor = new[] { frontier.EarliestPendingCommit, frontier.LatestReplicatedCommit }.Where(c => c is not null).DefaultIfEmpty(null).Min();
            for (var i = (int)Math.Min((long)checkpoint + page, records.Count); i < records.Count && floor is { } bound; i++)
            {
                if (records[i].Commit is { } commit && CommitTimestamps.Effective(commit, records[i].Arrival) < bound)
                {
                    records[i] = records[i] with { Commit = bound > records[i].Arrival ? records[i].Arrival : bound };
                }
            }

            return shard;
        }

        public ShardFrontier Frontier()
        {
            var sources = Records.Select((r, i) => r.ToSource(i)).ToList();
            var read = sources.Skip(Checkpoint).Take(Page).ToList();
            return new ShardFrontier(
                CommitTimestamps.Latest(sources, Checkpoint).Latest,
                read.Select(r => CommitTimestamps.TryRead(r.Data) is { } commit ? CommitTimestamps.Effective(commit, r.ArrivalTime) : (DateTimeOffset?)null).Where(c => c is not null).Min(),
                PendingFullyRead: Checkpoint + read.Count == Records.Count);
        }

        /// <summary>The same shard with records without a commit timestamp inserted anywhere, read to its tail.</summary>
        public ShardModel WithCommitlessRecords(Random random)
        {
            var records = new List<RecordModel>(Records);
            var checkpoint = Checkpoint;
            for (var n = random.Next(1, 6); n > 0; n--)
            {
                var at = random.Next(0, records.Count + 1);
                var arrival = at < records.Count ? records[at].Arrival : records.Count > 0 ? records[^1].Arrival : T0;
                records.Insert(at, new RecordModel(null, arrival));
                checkpoint += at < checkpoint || (at == checkpoint && random.Next(2) == 0) ? 1 : 0;
            }

            return new ShardModel(records, checkpoint, int.MaxValue);
        }
    }
}
