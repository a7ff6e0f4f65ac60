using Replicator.Aws.Kinesis;
using Replicator.Relay;

namespace Replicator.Monitoring;

/// <summary>
/// Measures replication lag from the source stream itself: for every shard, read from just after the
/// target's checkpoint to the tail. The age of the first unreplicated record is the lag, so an idle,
/// caught-up stream reports 0 instead of a stale value (MirrorMaker 2's lag stalls when idle), and a
/// stuck relay's lag keeps growing even when no new records arrive. The same read gives the
/// watermark what it needs: the earliest commit among the records it reads (<see cref="Watermark"/>).
/// </summary>
/// <param name="source">The stream's region's Kinesis, <paramref name="sourceRegion"/>: the checkpoints read are that region's relays'.</param>
/// <param name="maxRecordsCounted">
/// Counting stops here per shard; beyond it the count is reported as a lower bound. The failover's drain
/// and verify count the whole backlog (the recovery point in records); the scheduled lag monitor counts
/// one page (<see cref="OnePage"/>), so each minute it spends one or two of the shard's five reads a
/// second, which it shares with the relay, and never reads what it measures. Counting more than a page
/// waits its turn when the shard refuses a read (<see cref="PatientReads"/>): a throttled shard is busy,
/// not unreachable. One page does not: the monitor reports the refusal as a gap.
/// </param>
public sealed class LagMeter(KinesisClient source, string sourceRegion, CheckpointStore checkpoints, TimeProvider clock, int maxRecordsCounted = LagMeter.MaxRecordsCounted)
{
    public const int MaxRecordsCounted = 100_000;

    /// <summary>What one GetRecords page of the lag monitor holds: the age of the oldest record needs only the first.</summary>
    public const int OnePage = 1_000;

    public async Task<StreamLag> MeasureAsync(string streamName, string targetRegion, string activeRegion, CancellationToken cancellationToken)
    {
        var shards = await source.ListShardsAsync(streamName, cancellationToken).ConfigureAwait(false);
        var stored = await checkpoints.ReadAsync(streamName, sourceRegion, targetRegion, shards.Select(s => s.ShardId).ToList(), cancellationToken).ConfigureAwait(false);
        var lags = new List<ShardLag>();
        foreach (var shard in shards)
        {
            var lag = await MeasureShardAsync(streamName, shard.ShardId, stored.GetValueOrDefault(shard.ShardId), cancellationToken).ConfigureAwait(false);
            lags.Add(lag with { Closed = shard.SequenceNumberRange.EndingSequenceNumber is not null });
        }

        return new StreamLag(streamName, targetRegion, activeRegion, lags);
    }

    private async Task<ShardLag> MeasureShardAsync(string streamName, string shardId, ShardCheckpoint? checkpoint, CancellationToken cancellationToken)
    {
        var request = checkpoint is null
            ? new GetShardIteratorRequest(streamName, shardId, ShardIteratorTypes.TrimHorizon)
            : new GetShardIteratorRequest(streamName, shardId, ShardIteratorTypes.AfterSequenceNumber) { StartingSequenceNumber = checkpoint.SequenceNumber };
        var iterator = (await source.GetShardIteratorAsync(request, cancellationToken).ConfigureAwait(false)).ShardIterator;

        long behind = 0;
        DateTimeOffset? oldestArrival = null;
        DateTimeOffset? earliestPendingCommit = null;
        var fullyRead = iterator is null;
        while (iterator is not null && behind < maxRecordsCounted)
        {
            var pageRequest = new GetRecordsRequest(iterator) { Limit = (int)Math.Min(10_000, maxRecordsCounted - behind) };
            var page = maxRecordsCounted > OnePage
                ? await PatientReads.GetRecordsAsync(source, pageRequest, cancellationToken).ConfigureAwait(false)
                : await source.GetRecordsAsync(pageRequest, cancellationToken).ConfigureAwait(false);
            oldestArrival ??= page.Records.Count > 0 ? page.Records[0].ArrivedAt : null;
            behind += page.Records.Count;
            foreach (var record in page.Records)
            {
                if (CommitTimestamps.TryRead(record.Data) is { } commit)
                {
                    var effective = CommitTimestamps.Effective(commit, record.ArrivedAt);
                    earliestPendingCommit = earliestPendingCommit is null || effective < earliestPendingCommit ? effective : earliestPendingCommit;
                }
            }

            // Only an empty page at the tail ends the count: a full page can stop well short of it.
            // A closed shard's end has no next iterator.
            iterator = page.NextShardIterator;
            if ((page.Records.Count == 0 && (page.MillisBehindLatest ?? 0) == 0) || iterator is null)
            {
                fullyRead = true;
                break;
            }
        }

        var seconds = oldestArrival is { } arrival ? Math.Max(0, (clock.GetUtcNow() - arrival).TotalSeconds) : 0;
        return new ShardLag(
            shardId,
            checkpoint,
            Math.Min(behind, maxRecordsCounted),
            behind >= maxRecordsCounted,
            Math.Round(seconds, 3),
            new ShardFrontier(checkpoint?.CommitTimestamp, earliestPendingCommit, fullyRead));
    }
}
