using Replicator.Aws.Json;
using Replicator.Aws.Kinesis;
using Replicator.Relay;

namespace Replicator.Consumers;

/// <summary>
/// Translates a consumer of a stream from the old region (<paramref name="sourceRegion"/>) to the new
/// one: reads the relay's samples of every source shard around the consumer's position, the new
/// region's shards, and, where the old region answers, its shards and their oldest records.
/// </summary>
public sealed class ConsumerTranslator(PositionSamples samples, string sourceRegion, string targetRegion)
{
    /// <summary>Samples read back from a position to find each target shard's last copy before it (more only cost reads; fewer only re-reading).</summary>
    public const int LookBack = 500;

    private static readonly string PastEverySequenceNumber = new('9', SequenceNumbers.Width);

    /// <param name="source">The old region's Kinesis; null, or not answering, when it is down.</param>
    public async Task<TranslationResult> TranslateAsync(
        string streamName, IReadOnlyList<SourcePosition> positions, KinesisClient? source, KinesisClient target, CancellationToken cancellationToken)
    {
        var targetShards = (await target.ListShardsAsync(streamName, cancellationToken).ConfigureAwait(false)).Select(TargetShard.From).ToList();
        var targetShardIds = targetShards.Select(t => t.ShardId).ToList();

        var (complete, oldest, sourceUnread) = await ReadSourceAsync(streamName, positions, source, cancellationToken).ConfigureAwait(false);
        var read = new Dictionary<string, IReadOnlyList<PositionSample>>(StringComparer.Ordinal);
        foreach (var position in complete)
        {
            var after = position.Finished ? PastEverySequenceNumber : position.ProcessedThrough;
            read[position.ShardId] = await samples.ReadAroundAsync(
                streamName, sourceRegion, targetRegion, position.ShardId, after, targetShardIds, LookBack, cancellationToken).ConfigureAwait(false);
        }

        var translation = PositionTranslation.Translate(complete, read, targetShards, oldest);
        return new TranslationResult(translation, targetShards, complete, read.Values.Sum(s => s.Count), sourceUnread);
    }

    /// <summary>
    /// The consumer's positions with a from-the-start one for every shard of the old stream it has no
    /// position in (KCL creates a child's lease at TRIM_HORIZON), and each shard's oldest record.
    /// </summary>
    private static async Task<(IReadOnlyList<SourcePosition> Positions, IReadOnlyDictionary<string, string?> Oldest, string? Unread)> ReadSourceAsync(
        string streamName, IReadOnlyList<SourcePosition> positions, KinesisClient? source, CancellationToken cancellationToken)
    {
        if (source is null)
        {
            return (positions, new Dictionary<string, string?>(), "not asked");
        }

        try
        {
            var shards = await source.ListShardsAsync(streamName, cancellationToken).ConfigureAwait(false);
            var known = positions.Select(p => p.ShardId).ToHashSet(StringComparer.Ordinal);
            var complete = positions.Concat(shards.Where(s => !known.Contains(s.ShardId)).Select(s => SourcePosition.FromStart(s.ShardId))).ToList();
            return (complete, await OldestRecords.ReadAsync(source, streamName, complete.Select(p => p.ShardId), cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is HttpRequestException or AwsServiceException { IsTransient: true })
        {
            // The old region is down (a forced failover): positions before every sample cannot be shown covered, and start at TRIM_HORIZON.
            return (positions, new Dictionary<string, string?>(), $"{e.GetType().Name}: {e.Message}");
        }
    }
}

/// <param name="SourceUnread">Why the old region's shards were not read (null when they were): shards without a position are then not known.</param>
public sealed record TranslationResult(Translation Translation, IReadOnlyList<TargetShard> TargetShards, IReadOnlyList<SourcePosition> Positions, int SamplesRead, string? SourceUnread);
