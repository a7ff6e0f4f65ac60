using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Replicator.Archive;
using Replicator.Aws.Kinesis;
using Replicator.Replay;
using Replicator.Tests.Fakes;

namespace Replicator.Tests.Replay;

/// <summary>
/// Issue 16, replay across reshards: an archived hour holds a parent's records and its children's, in
/// whatever order Firehose's objects list them. For random lineages (splits and merges between writes)
/// whose shard ids say nothing about which shard came first, and any order of the archive's lines, the
/// replay's order puts every key's records back as they were written, from the ancestor ids the
/// envelopes carry (shards between two of a key's shards often hold nothing that hour, so parents alone
/// do not link them: the first version of this property found that). Without them (lines archived
/// before issue 16) shard-id order loses that. Arrival times are drawn at random, shard by shard in no
/// order at all: Kinesis promises nothing about them, and the order interleaves shards by them (issue 18).
/// </summary>
public sealed class ShardLineageOrderProperties
{
    private static readonly DateTimeOffset Arrival = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Property(MaxTest = 300)]
    public Property Every_key_is_replayed_in_written_order_across_any_lineage_with_any_shard_ids(int seed)
    {
        var random = new Random(seed);
        var stream = ModelStream.Random(random, randomIds: true);
        var lines = Archived(stream, withAncestors: true, _ => Arrival.AddMilliseconds(random.Next(0, 5_000))).OrderBy(_ => random.Next()).ToList();

        var ordered = ShardLineageOrder.Order(lines, "2026-12-02-10").Select(p => p.Envelope).ToList();

        var outOfOrder = KeysOutOfOrder(ordered);
        return (outOfOrder.Count == 0).Label($"keys out of order: {string.Join(", ", outOfOrder)} (lineage: {stream.Describe()})");
    }

    [Fact]
    public void Without_ancestor_ids_shard_id_order_puts_some_key_out_of_order_when_ids_do_not_follow_the_lineage()
    {
        var reordered = Enumerable.Range(0, 200).Count(seed =>
        {
            var lines = Archived(ModelStream.Random(new Random(seed), randomIds: true), withAncestors: false, _ => Arrival);
            return KeysOutOfOrder(ShardLineageOrder.Order(lines, "2026-12-02-10").Select(p => p.Envelope)).Count > 0;
        });

        Assert.True(reordered > 0, "the property above would pass without the ancestor ids: it proves nothing");
    }

    /// <summary>
    /// Two shards of one generation whose records arrived alternately are replayed alternately, as the
    /// stream held them, not one shard's hour and then the other's; positions order as the records do,
    /// and a copy Firehose delivered twice is placed once.
    /// </summary>
    [Fact]
    public void Unrelated_shards_interleave_by_arrival_and_positions_order_as_the_records()
    {
        var lines = Enumerable.Range(0, 6).Select(i => Line($"k{i}", 0, $"shardId-00000000000{i % 2}", i, [], Arrival.AddSeconds(i))).ToList();
        lines.Add(lines[2]);

        var ordered = ShardLineageOrder.Order(lines.OrderByDescending(l => l.ShardId), "2026-12-02-10");

        Assert.Equal(["k0", "k1", "k2", "k3", "k4", "k5"], ordered.Select(p => p.Envelope.PartitionKey));
        Assert.Equal(ordered.Select(p => p.Position.Value).Order(StringComparer.Ordinal), ordered.Select(p => p.Position.Value));
    }

    /// <summary>A record that arrived before an earlier record of its shard (arrival times are approximate) stays after it, and so does every later one.</summary>
    [Fact]
    public void A_record_never_goes_before_an_earlier_record_of_its_shard_whatever_its_arrival_time()
    {
        var lines = new[]
        {
            Line("a", 0, "shardId-000000000000", 0, [], Arrival.AddSeconds(5)),
            Line("a", 1, "shardId-000000000000", 1, [], Arrival.AddSeconds(1)),
            Line("b", 0, "shardId-000000000001", 0, [], Arrival.AddSeconds(3)),
        };

        var ordered = ShardLineageOrder.Order(lines, "2026-12-02-10").Select(p => $"{p.Envelope.PartitionKey}{Encoding.UTF8.GetString(p.Envelope.Data.ToArray())[^1]}");

        Assert.Equal(["b0", "a0", "a1"], ordered);
    }

    private static List<ArchiveEnvelope> Archived(ModelStream stream, bool withAncestors, Func<int, DateTimeOffset> arrival) =>
        stream.Records.SelectMany(shard => shard.Value.Select((record, index) =>
            Line($"{record.Key}", record.N, shard.Key, index, withAncestors ? stream.AncestorsOf(shard.Key) : [], arrival(index)))).ToList();

    /// <summary>The <paramref name="n"/>th record of <paramref name="key"/>, its data "key:n".</summary>
    private static ArchiveEnvelope Line(string key, int n, string shardId, int sequence, IReadOnlyList<string> ancestors, DateTimeOffset arrival) =>
        new(key, shardId, sequence.ToString(CultureInfo.InvariantCulture), arrival, null, Base64Data.FromBytes(Encoding.UTF8.GetBytes($"{key}:{n}"))) { AncestorShardIds = ancestors };

    private static List<string> KeysOutOfOrder(IEnumerable<ArchiveEnvelope> lines) =>
        lines.Select(l => Encoding.UTF8.GetString(l.Data.ToArray()).Split(':'))
            .GroupBy(parts => parts[0])
            .Where(key => !key.Select(parts => int.Parse(parts[1], CultureInfo.InvariantCulture)).SequenceEqual(Enumerable.Range(0, key.Count())))
            .Select(key => key.Key)
            .ToList();
}
