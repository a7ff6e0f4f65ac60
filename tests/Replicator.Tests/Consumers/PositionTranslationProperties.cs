using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Replicator.Consumers;
using Replicator.Relay;

namespace Replicator.Tests.Consumers;

/// <summary>
/// Issue 17: a consumer translated from the relay's position samples misses no record it had not
/// processed, in any relay history the model makes (interleaved shards, partial failures, crashes before
/// the sample, any landing order within a request), and re-reads no more than the bound it is told.
/// </summary>
public sealed class PositionTranslationProperties
{
    [Property(MaxTest = 400)]
    public Property A_translated_consumer_misses_nothing_it_had_not_processed(int seed)
    {
        var random = new Random(seed);
        var relay = ModelRelay.Random(random);
        var positions = RandomPositions(relay, random);
        var readable = random.NextDouble() < 0.5;

        var translation = PositionTranslation.Translate(positions.Select(p => p.Position).ToList(), Samples(relay), relay.Targets, Oldest(relay, readable));

        var missed = Unprocessed(relay, positions).Where(r => !relay.Copies.Any(c => c.SourceShard == r.Shard && c.SourceSequence == r.Sequence && Reads(translation, c))).ToList();
        var late = Unprocessed(relay, positions).Where(r => translation.AtTimestamp is { } at && !relay.Copies.Any(c => c.SourceShard == r.Shard && c.SourceSequence == r.Sequence && c.Arrival >= at + PositionTranslation.ArrivalClockTolerance)).ToList();
        var latestMisses = translation.NothingUnprocessed && Unprocessed(relay, positions).Any();
        return (missed.Count == 0 && late.Count == 0 && !latestMisses).Label(
            $"missed {string.Join(", ", missed)}; before AT_TIMESTAMP {string.Join(", ", late)}; LATEST though unprocessed: {latestMisses}");
    }

    [Property(MaxTest = 400)]
    public Property A_translated_consumer_rereads_no_more_than_its_bound(int seed)
    {
        var random = new Random(seed);
        var relay = ModelRelay.Random(random);
        var positions = RandomPositions(relay, random);

        var translation = PositionTranslation.Translate(positions.Select(p => p.Position).ToList(), Samples(relay), relay.Targets, Oldest(relay, readable: true));

        var over = translation.Targets.Where(t => t.DuplicateBound is { } bound && Reread(relay, positions, translation, t.ShardId) > bound + relay.UnsampledCopies).ToList();
        return (over.Count == 0).Label(string.Join("; ", over.Select(t => $"{t.ShardId}: {Reread(relay, positions, translation, t.ShardId)} re-read, bound {t.DuplicateBound}")));
    }

    [Fact]
    public void A_consumer_before_every_sample_starts_at_trim_horizon_unless_the_old_region_shows_the_samples_reach_back()
    {
        var relay = ModelRelay.Random(new Random(7));
        var shard = relay.SourceShards.First(s => relay.SourceRecords[s].Count > 0);
        var positions = relay.SourceShards.Select(s => s == shard ? SourcePosition.FromStart(s) : SourcePosition.Done(s)).ToList();

        var blind = PositionTranslation.Translate(positions, Samples(relay), relay.Targets, new Dictionary<string, string?>());
        var seeing = PositionTranslation.Translate(positions, Samples(relay), relay.Targets, Oldest(relay, readable: true));

        Assert.All(blind.Targets, t => Assert.True(t.FromTrimHorizon));
        Assert.Equal([shard], blind.Unanchored);
        Assert.Null(blind.AtTimestamp);
        Assert.Empty(seeing.Unanchored);
        Assert.NotNull(seeing.AtTimestamp);
    }

    internal sealed record ConsumerAt(SourcePosition Position, int ProcessedCount);

    internal static List<ConsumerAt> RandomPositions(ModelRelay relay, Random random) =>
        relay.SourceShards.Select(shard =>
        {
            var records = relay.SourceRecords[shard];
            var processed = random.Next(0, records.Count + 1);
            return processed == 0 ? new ConsumerAt(SourcePosition.FromStart(shard), 0)
                : processed == records.Count && random.NextDouble() < 0.5 ? new ConsumerAt(SourcePosition.Done(shard), processed)
                : new ConsumerAt(SourcePosition.Through(shard, ModelRelay.Text(records[processed - 1])), processed);
        }).ToList();

    internal static Dictionary<string, IReadOnlyList<PositionSample>> Samples(ModelRelay relay) =>
        relay.Samples.ToDictionary(s => s.Key, s => (IReadOnlyList<PositionSample>)s.Value.OrderBy(x => long.Parse(x.FirstSourceSequenceNumber, System.Globalization.CultureInfo.InvariantCulture)).ToList());

    private static Dictionary<string, string?> Oldest(ModelRelay relay, bool readable) =>
        readable ? relay.SourceShards.ToDictionary(s => s, s => relay.SourceRecords[s].Count == 0 ? null : ModelRelay.Text(relay.SourceRecords[s][0])) : [];

    private static IEnumerable<(string Shard, long Sequence)> Unprocessed(ModelRelay relay, List<ConsumerAt> positions) =>
        positions.SelectMany(p => relay.SourceRecords[p.Position.ShardId].Skip(p.ProcessedCount).Select(s => (p.Position.ShardId, s)));

    private static bool Reads(Translation translation, ModelRelay.Copy copy) =>
        translation.Targets.Single(t => t.ShardId == copy.TargetShard) is { Finished: false } target
        && (target.StartAfter is null || copy.TargetSequence > long.Parse(target.StartAfter, System.Globalization.CultureInfo.InvariantCulture));

    private static int Reread(ModelRelay relay, List<ConsumerAt> positions, Translation translation, string targetShard) =>
        relay.Copies.Count(c => c.TargetShard == targetShard && Reads(translation, c)
            && relay.SourceRecords[c.SourceShard].IndexOf(c.SourceSequence) < positions.Single(p => p.Position.ShardId == c.SourceShard).ProcessedCount);
}
