using Replicator.Relay;

namespace Replicator.Consumers;

/// <summary>
/// Turns a consumer's positions in the old region's stream into positions in the new region's, from the
/// relay's <see cref="PositionSample"/>s, so that it misses nothing it had not processed and re-reads
/// as little as the samples allow.
/// <para>
/// Why it misses nothing: a source shard's batches go out one after another, each sampled before its
/// checkpoint, so every record the consumer had not processed (after its position <c>c</c>) is in the
/// last sampled batch starting at or before <c>c</c> (X), or a later one, and has a copy in each target
/// shard T at or after the first place X or a later batch landed in T. The start in T is the latest
/// sequence number known in T (from any source shard's samples) before the earliest such place over
/// all source shards. A copy that landed and was sent again by a retry is found through its second copy.
/// </para>
/// <para>
/// Why it re-reads: a target shard interleaves the source shards' copies, and one start position serves
/// them all, so copies of a shard the consumer was further along in are read again after the start of the
/// shard it was furthest behind in (an inherent bound, not the samples'), plus the part of X it had processed.
/// </para>
/// </summary>
public static class PositionTranslation
{
    /// <summary>
    /// AT_TIMESTAMP compares Kinesis's arrival time with a time the relay took by its own clock before
    /// writing; Lambda's clocks are synchronised (Amazon Time Sync), this second covers what remains.
    /// </summary>
    public static readonly TimeSpan ArrivalClockTolerance = TimeSpan.FromSeconds(1);

    /// <param name="samples">Per source shard, its samples in source order (<see cref="PositionSamples.ReadAroundAsync"/>).</param>
    /// <param name="oldestRetained">
    /// Per source shard, where the old region could be read: its oldest record (null when the shard is
    /// empty). Only with it can a position before every sample be trusted to be covered by them.
    /// </param>
    public static Translation Translate(
        IReadOnlyList<SourcePosition> positions,
        IReadOnlyDictionary<string, IReadOnlyList<PositionSample>> samples,
        IReadOnlyList<TargetShard> targets,
        IReadOnlyDictionary<string, string?> oldestRetained)
    {
        var earliestUnprocessed = new Dictionary<string, string>(StringComparer.Ordinal);
        var unanchored = new List<string>();
        DateTimeOffset? earliestBatch = null;
        foreach (var position in positions)
        {
            var shardSamples = samples.GetValueOrDefault(position.ShardId) ?? [];
            switch (FirstBatchWithUnprocessed(position, shardSamples, oldestRetained))
            {
                case NothingUnprocessed:
                    continue;
                case Unanchored:
                    unanchored.Add(position.ShardId);
                    continue;
                case var first:
                    foreach (var target in targets)
                    {
                        if (shardSamples.Skip(first).FirstOrDefault(s => s.Targets.ContainsKey(target.ShardId)) is not { } landing)
                        {
                            continue;
                        }

                        var place = landing.Targets[target.ShardId].FirstSequenceNumber;
                        earliestUnprocessed[target.ShardId] = earliestUnprocessed.TryGetValue(target.ShardId, out var known) ? SequenceNumbers.Min(known, place) : place;
                        earliestBatch = Min(earliestBatch, shardSamples[first].StartedAt);
                    }

                    break;
            }
        }

        var translated = targets.Select(target => Position(target, positions, samples, unanchored, earliestUnprocessed.GetValueOrDefault(target.ShardId))).ToList();
        var nothingUnprocessed = unanchored.Count == 0 && earliestUnprocessed.Count == 0;
        return new Translation(translated, unanchored.Count > 0 ? null : earliestBatch - ArrivalClockTolerance, nothingUnprocessed, unanchored);
    }

    private const int NothingUnprocessed = -2;
    private const int Unanchored = -1;

    /// <summary>The index of the sampled batch X holding the first record the consumer has not processed, or why there is none.</summary>
    private static int FirstBatchWithUnprocessed(SourcePosition position, IReadOnlyList<PositionSample> samples, IReadOnlyDictionary<string, string?> oldestRetained)
    {
        if (position.Finished)
        {
            return NothingUnprocessed;
        }

        if (position.ProcessedThrough is { } processed)
        {
            var atOrBefore = samples.Count(s => SequenceNumbers.Compare(s.FirstSourceSequenceNumber, processed) <= 0);
            if (atOrBefore > 0)
            {
                return atOrBefore - 1;
            }
        }

        // No sample at or before the position: the samples cover the unprocessed records only if the first one is
        // at or before the oldest record the shard still holds, and the consumer is before that record too.
        if (!oldestRetained.TryGetValue(position.ShardId, out var oldest))
        {
            return Unanchored;
        }

        if (oldest is null)
        {
            return NothingUnprocessed;
        }

        var coversRetained = samples.Count > 0 && SequenceNumbers.Compare(samples[0].FirstSourceSequenceNumber, oldest) <= 0;
        var consumerBeforeIt = position.ProcessedThrough is not { } through || SequenceNumbers.Compare(through, oldest) < 0;
        return coversRetained && consumerBeforeIt ? 0 : Unanchored;
    }

    private static TargetPosition Position(
        TargetShard target,
        IReadOnlyList<SourcePosition> positions,
        IReadOnlyDictionary<string, IReadOnlyList<PositionSample>> samples,
        IReadOnlyList<string> unanchored,
        string? earliestUnprocessed)
    {
        if (unanchored.Count > 0)
        {
            return new TargetPosition(target.ShardId, null, false, null,
                $"no position sample reaches back to the unprocessed records of {string.Join(", ", unanchored)}: from TRIM_HORIZON");
        }

        var landings = samples.Values.SelectMany(s => s).Select(s => s.Targets.GetValueOrDefault(target.ShardId)).OfType<TargetShardLanding>().ToList();

        if (earliestUnprocessed is null)
        {
            var last = landings.Select(l => l.LastSequenceNumber).Aggregate((string?)null, (a, b) => a is null ? b : SequenceNumbers.Max(a, b));
            return target.Closed
                ? new TargetPosition(target.ShardId, null, true, 0, "closed, and holds nothing the consumer had not processed")
                : new TargetPosition(target.ShardId, last, false, DuplicatesAfter(last, target, positions, samples),
                    last is null ? "no replicated copies: from TRIM_HORIZON" : "after the last replicated copy: nothing here was unprocessed");
        }

        var anchor = landings.SelectMany(l => new[] { l.FirstSequenceNumber, l.LastSequenceNumber })
            .Where(s => SequenceNumbers.Compare(s, earliestUnprocessed) < 0)
            .Aggregate((string?)null, (a, b) => a is null ? b : SequenceNumbers.Max(a, b));
        return new TargetPosition(target.ShardId, anchor, false, DuplicatesAfter(anchor, target, positions, samples),
            anchor is null
                ? $"no sampled copy before {earliestUnprocessed}, the first place an unprocessed record landed: from TRIM_HORIZON"
                : $"after {anchor}, the last sampled copy before {earliestUnprocessed}, the first place an unprocessed record landed");
    }

    /// <summary>Copies after <paramref name="start"/> (all, when null) from batches holding records the consumer had processed.</summary>
    private static long DuplicatesAfter(string? start, TargetShard target, IReadOnlyList<SourcePosition> positions, IReadOnlyDictionary<string, IReadOnlyList<PositionSample>> samples) =>
        positions.Sum(position => (samples.GetValueOrDefault(position.ShardId) ?? [])
            .Where(s => position.Finished || (position.ProcessedThrough is { } through && SequenceNumbers.Compare(s.FirstSourceSequenceNumber, through) <= 0))
            .Select(s => s.Targets.GetValueOrDefault(target.ShardId))
            .OfType<TargetShardLanding>()
            .Where(l => start is null || SequenceNumbers.Compare(l.LastSequenceNumber, start) > 0)
            .Sum(l => (long)l.Count));

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset b) => a is null || b < a ? b : a;
}
