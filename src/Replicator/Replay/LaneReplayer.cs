using Replicator.Archive;
using Replicator.Relay;

namespace Replicator.Replay;

/// <summary>
/// Replays one lane of a replay: the archived records of the range whose partition key falls in the
/// lane (<see cref="ArchiveReader.LaneOf"/>), in archive order, an hour at a time, with the relay's
/// ordering-safe delivery and at the lane's share of the rate limits. A key's records are all in one
/// lane, so lanes run side by side (one Map iteration each) and never reorder a key. After every chunk
/// of durable records the lane's cursor moves forward in the progress table, so a run that stops,
/// fails or pauses for time continues from there.
/// </summary>
public sealed class LaneReplayer(ArchiveReader archive, RecordDelivery delivery, ReplayProgressStore progress, int chunkSize, TimeProvider time)
{
    /// <param name="shouldPause">Asked after every chunk and before every hour but the first: true hands back a continuation (the invocation's time is running short).</param>
    /// <exception cref="ReplayDeliveryException">A chunk could not be made durable; what was durable is checkpointed.</exception>
    /// <exception cref="ReplaySupersededException">Another execution of the replay owns it now.</exception>
    public async Task<LaneResult> RunAsync(ReplayPlan plan, int lane, Func<bool> shouldPause, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var state = await progress.ReadLaneAsync(plan.ReplayId, lane, cancellationToken).ConfigureAwait(false);
        if (state.Owner != plan.Owner)
        {
            throw new ReplaySupersededException($"Replay '{plan.ReplayId}' lane {lane}: execution {state.Owner ?? "(none)"} owns the replay, not {plan.Owner}; this run stops.");
        }

        var maxDuplicates = state.MaxDuplicates;
        if (state.Done)
        {
            return new LaneResult(lane, true, 0, state.Sent, maxDuplicates);
        }

        if (state.InFlight > 0)
        {
            await progress.CountResumeAsync(plan.ReplayId, plan.Owner, lane, state.InFlight, cancellationToken).ConfigureAwait(false);
            maxDuplicates += state.InFlight;
        }

        var range = plan.Range;
        var cursor = state.Cursor;
        long sent = 0;
        var hours = 0;
        foreach (var hour in range.Hours().Where(h => string.CompareOrdinal(h, cursor.Hour) >= 0))
        {
            if (hours++ > 0 && shouldPause())
            {
                return new LaneResult(lane, false, sent, state.Sent + sent, maxDuplicates);
            }

            var readingFrom = time.GetUtcNow();
            var read = await archive.ReadHourAsync(range, hour, lane, plan.Lanes, cancellationToken).ConfigureAwait(false);
            // Paced at its share of the hour, each lane takes its share of the limits: the lanes finish
            // the hour together and the replay as a whole runs at the limit.
            var (recordsPerSecond, bytesPerSecond) = (plan.RecordsPerSecond * read.Share, plan.BytesPerSecond * read.Share);
            var averageBytes = read.Records.Count == 0 ? 0 : read.Records.Average(r => (double)r.Envelope.Data.Base64.Length + r.Envelope.PartitionKey.Length);
            var startsAfter = cursor;
            var left = (startsAfter.Hour == hour ? read.Records.Where(r => startsAfter.IsBefore(r.Position)) : read.Records).ToArray();
            if (left.Length == 0)
            {
                continue;
            }

            var (durable, paused) = await SendHourAsync(
                plan, lane, hour, left, new ReplayPace(recordsPerSecond, bytesPerSecond, time, readingFrom), ChunkSize(chunkSize, recordsPerSecond, bytesPerSecond, averageBytes), shouldPause, deadline, cancellationToken).ConfigureAwait(false);
            sent += durable;
            if (paused)
            {
                return new LaneResult(lane, false, sent, state.Sent + sent, maxDuplicates);
            }

            cursor = left[^1].Position;
        }

        await progress.CompleteLaneAsync(plan.ReplayId, plan.Owner, lane, cancellationToken).ConfigureAwait(false);
        return new LaneResult(lane, true, sent, state.Sent + sent, maxDuplicates);
    }

    /// <summary>
    /// Records per chunk: as configured, but no more than a lane's rate allows in <see cref="MaxChunkWait"/>,
    /// so that under a low limit a chunk never waits longer than an invocation has left.
    /// </summary>
    public static int ChunkSize(int configured, double? recordsPerSecond, double? bytesPerSecond, double averageRecordBytes)
    {
        var byRecords = recordsPerSecond * MaxChunkWait.TotalSeconds ?? double.MaxValue;
        var byBytes = bytesPerSecond * MaxChunkWait.TotalSeconds / Math.Max(averageRecordBytes, 1) ?? double.MaxValue;
        return (int)Math.Clamp(Math.Min(byRecords, byBytes), 1, configured);
    }

    /// <summary>The longest a chunk waits for the rate limit: well inside the time a lane invocation keeps back.</summary>
    public static readonly TimeSpan MaxChunkWait = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Sends the lane's records of one hour as one stream (requests stay full across chunk boundaries),
    /// checkpointing the cursor after every chunk of durable records; before anything goes out, the
    /// lane notes that up to two chunks may be in flight, the most a crash can send twice.
    /// </summary>
    /// <returns>Records made durable, and whether the lane paused (<paramref name="shouldPause"/>) before the hour's end.</returns>
    private async Task<(int Durable, bool Paused)> SendHourAsync(
        ReplayPlan plan, int lane, string hour, PlacedRecord[] left, ReplayPace pace, int chunk, Func<bool> shouldPause, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var records = left.Select((r, i) => new SourceRecord(i, r.Envelope.SequenceNumber, r.Envelope.PartitionKey, r.Envelope.Data, r.Envelope.ArrivalTime)).ToList();
        var recorded = 0;
        var paused = false;
        DeliveryWindow? window = null;
        window = new DeliveryWindow(
            chunk,
            async (prefix, token) =>
            {
                await progress.AdvanceAsync(plan.ReplayId, plan.Owner, lane, left[prefix - 1].Position, prefix - recorded, Math.Min(window!.Lead, left.Length - prefix), token).ConfigureAwait(false);
                recorded = prefix;
                paused = shouldPause();
                return !paused;
            },
            (request, token) => pace.WaitAsync(request.Count, request.Sum(r => (long)r.RequestBytes), token),
            MaxRequestRecords: chunk);
        await progress.BeginChunkAsync(plan.ReplayId, plan.Owner, lane, Math.Min(window.Lead, left.Length), cancellationToken).ConfigureAwait(false);
        DeliveryOutcome outcome;
        try
        {
            outcome = await delivery.DeliverAsync(plan.TargetStream, records, deadline, cancellationToken, window).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (OperationCanceledException or ReplaySupersededException))
        {
            throw new ReplayDeliveryException($"Replay '{plan.ReplayId}' lane {lane} into {plan.TargetRegion}/{plan.TargetStream} stopped in hour {hour} after the record with archived sequence number {(recorded > 0 ? left[recorded - 1].Envelope.SequenceNumber : "(none)")}: {e.Message}", e);
        }

        var stoppedCleanly = outcome.Complete(left.Length) || (paused && outcome.Error is null && outcome.NothingInDoubt);
        if (outcome.DurablePrefix > recorded)
        {
            // Keep what was made durable even if the rest was not: a resume starts after it.
            var stillInFlight = stoppedCleanly ? 0 : Math.Min(window.Lead, left.Length - outcome.DurablePrefix);
            await progress.AdvanceAsync(plan.ReplayId, plan.Owner, lane, left[outcome.DurablePrefix - 1].Position, outcome.DurablePrefix - recorded, stillInFlight, cancellationToken).ConfigureAwait(false);
        }
        else if (stoppedCleanly)
        {
            // Paused right at a checkpoint, which still counted the window as in flight.
            await progress.ClearInFlightAsync(plan.ReplayId, plan.Owner, lane, cancellationToken).ConfigureAwait(false);
        }

        return stoppedCleanly
            ? (outcome.DurablePrefix, !outcome.Complete(left.Length))
            : throw new ReplayDeliveryException(
                $"Replay '{plan.ReplayId}' lane {lane} into {plan.TargetRegion}/{plan.TargetStream} stopped at the record with archived sequence number {left[outcome.DurablePrefix].Envelope.SequenceNumber} (shard {left[outcome.DurablePrefix].Envelope.ShardId}): {outcome.Error?.Message ?? "not durable before the invocation's deadline"}",
                outcome.Error);
    }
}

/// <param name="Sent">Records this invocation made durable.</param>
/// <param name="LaneSent">Records the lane has made durable over every run of the replay.</param>
/// <param name="MaxDuplicates">What resumes of the lane may have sent twice, at most.</param>
public sealed record LaneResult(int Lane, bool Done, long Sent, long LaneSent, long MaxDuplicates);

/// <summary>A lane could not make a chunk durable; it stopped there rather than skip it, and resumes from its cursor.</summary>
public sealed class ReplayDeliveryException(string message, Exception? inner) : Exception(message, inner);
