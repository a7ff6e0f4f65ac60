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
/// before issue 16) shard-id order loses that.
/// </summary>
public sealed class ShardLineageOrderProperties
{
    private static readonly DateTimeOffset Arrival = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Property(MaxTest = 300)]
    public Property Every_key_is_replayed_in_written_order_across_any_lineage_with_any_shard_ids(int seed)
    {
        var random = new Random(seed);
        var stream = ModelStream.Random(random, randomIds: true);
        var lines = Archived(stream, withAncestors: true).OrderBy(_ => random.Next()).ToList();

        ShardLineageOrder.Sort(lines);

        var outOfOrder = KeysOutOfOrder(lines);
        return (outOfOrder.Count == 0).Label($"keys out of order: {string.Join(", ", outOfOrder)} (lineage: {stream.Describe()})");
    }

    [Fact]
    public void Without_ancestor_ids_shard_id_order_puts_some_key_out_of_order_when_ids_do_not_follow_the_lineage()
    {
        var reordered = Enumerable.Range(0, 200).Count(seed =>
        {
            var lines = Archived(ModelStream.Random(new Random(seed), randomIds: true), withAncestors: false);
            ShardLineageOrder.Sort(lines);
            return KeysOutOfOrder(lines).Count > 0;
        });

        Assert.True(reordered > 0, "the property above would pass without the ancestor ids: it proves nothing");
    }

    private static List<ArchiveEnvelope> Archived(ModelStream stream, bool withAncestors) =>
        stream.Records.SelectMany(shard => shard.Value.Select((record, index) =>
            Line($"{record.Key}", record.N, shard.Key, index, withAncestors ? stream.AncestorsOf(shard.Key) : []))).ToList();

    /// <summary>The <paramref name="n"/>th record of <paramref name="key"/>, its data "key:n".</summary>
    private static ArchiveEnvelope Line(string key, int n, string shardId, int sequence, IReadOnlyList<string> ancestors) =>
        new(key, shardId, sequence.ToString(CultureInfo.InvariantCulture), Arrival, null, Base64Data.FromBytes(Encoding.UTF8.GetBytes($"{key}:{n}"))) { AncestorShardIds = ancestors };

    private static List<string> KeysOutOfOrder(IEnumerable<ArchiveEnvelope> lines) =>
        lines.Select(l => Encoding.UTF8.GetString(l.Data.ToArray()).Split(':'))
            .GroupBy(parts => parts[0])
            .Where(key => !key.Select(parts => int.Parse(parts[1], CultureInfo.InvariantCulture)).SequenceEqual(Enumerable.Range(0, key.Count())))
            .Select(key => key.Key)
            .ToList();
}
