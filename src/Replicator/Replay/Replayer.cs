using Replicator.Archive;
using Replicator.Relay;

namespace Replicator.Replay;

/// <summary>
/// Re-publishes archived records into a stream with the relay's ordering-safe delivery, in lanes:
/// a record's lane is fixed by its partition key's hash, so lanes run side by side and never reorder
/// a key. Each lane sends its records in archive order, a chunk at a time, at the pace the rate limits allow.
/// </summary>
public sealed class Replayer(RecordDelivery delivery, int lanes, ReplayPace pace, ReplayProgress? progress = null, int chunkSize = 500)
{
    /// <exception cref="ReplayDeliveryException">A lane could not make a chunk durable; the others stop too, and a run with the same progress resumes.</exception>
    public async Task<ReplayResult> ReplayAsync(IAsyncEnumerable<ArchiveEnvelope> records, string targetStream, CancellationToken cancellationToken)
    {
        var done = progress is null ? new long[lanes] : await progress.Store.ReadAsync(progress.ReplayId, lanes, cancellationToken).ConfigureAwait(false);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channels = Enumerable.Range(0, lanes).Select(_ => System.Threading.Channels.Channel.CreateBounded<ArchiveEnvelope>(chunkSize * 4)).ToArray();
        var workers = channels.Select((channel, lane) => Task.Run(async () =>
        {
            try
            {
                return await RunLaneAsync(lane, done[lane], channel.Reader, targetStream, failed.Token).ConfigureAwait(false);
            }
            catch
            {
                // One lane failing stops the reading and the other lanes; its error is what the replay reports.
                await failed.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }, CancellationToken.None)).ToArray();

        long read = 0;
        try
        {
            await foreach (var record in records.WithCancellation(failed.Token).ConfigureAwait(false))
            {
                read++;
                await channels[LaneOf(record.PartitionKey, lanes)].Writer.WriteAsync(record, failed.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A lane failed: its exception surfaces from the workers below.
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Writer.TryComplete();
            }
        }

        var sent = await WhenAllReportingTheCauseAsync(workers).ConfigureAwait(false);
        return new ReplayResult(read, sent.Sum(), done.Sum());
    }

    /// <summary>Awaits the lanes; if some failed, throws the failure that started it, not a lane's resulting cancellation.</summary>
    private static async Task<long[]> WhenAllReportingTheCauseAsync(Task<long>[] workers)
    {
        try
        {
            return await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (workers.FirstOrDefault(w => w.IsFaulted) is { } cause)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause.Exception!.InnerException!);
            throw;
        }
    }

    /// <summary>FNV-1a over the key's UTF-8 bytes: the same lane for a key on every run and every machine.</summary>
    public static int LaneOf(string partitionKey, int lanes)
    {
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(partitionKey))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % (uint)lanes);
    }

    /// <param name="alreadyDone">How many of this lane's records an earlier run of the same replay made durable: skipped.</param>
    private async Task<long> RunLaneAsync(int laneIndex, long alreadyDone, System.Threading.Channels.ChannelReader<ArchiveEnvelope> lane, string targetStream, CancellationToken cancellationToken)
    {
        long sent = 0;
        long position = 0;
        var chunk = new List<SourceRecord>(chunkSize);
        while (await lane.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (chunk.Count < chunkSize && lane.TryRead(out var record))
            {
                if (++position > alreadyDone)
                {
                    chunk.Add(new SourceRecord(chunk.Count, record.SequenceNumber, record.PartitionKey, record.Data, record.ArrivalTime));
                }
            }

            sent += await SendAsync(chunk, targetStream, cancellationToken).ConfigureAwait(false);
            if (chunk.Count > 0 && progress is not null)
            {
                await progress.Store.AdvanceAsync(progress.ReplayId, laneIndex, position, cancellationToken).ConfigureAwait(false);
            }

            chunk.Clear();
        }

        return sent;
    }

    /// <exception cref="ReplayDeliveryException">A chunk could not be made durable; the replay stops there rather than skip it.</exception>
    private async Task<int> SendAsync(List<SourceRecord> chunk, string targetStream, CancellationToken cancellationToken)
    {
        if (chunk.Count == 0)
        {
            return 0;
        }

        await pace.WaitAsync(chunk.Count, chunk.Sum(r => (long)r.RequestBytes), cancellationToken).ConfigureAwait(false);
        DeliveryOutcome outcome;
        try
        {
            outcome = await delivery.DeliverAsync(targetStream, chunk, DateTimeOffset.UtcNow.AddMinutes(5), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ReplayDeliveryException($"Replaying into {targetStream} stopped in the chunk starting at archived sequence number {chunk[0].SequenceNumber}: {e.Message}", e);
        }

        return outcome.Complete(chunk.Count)
            ? chunk.Count
            : throw new ReplayDeliveryException(
                $"Replaying into {targetStream} stopped at the record with archived sequence number {chunk[outcome.DurablePrefix].SequenceNumber}: {outcome.Error?.Message ?? "not durable in time"}", outcome.Error);
    }
}

/// <param name="Skipped">Records an earlier run of the same replay had already made durable.</param>
public sealed record ReplayResult(long Read, long Sent, long Skipped);

/// <summary>Where a replay keeps its progress, so starting it again with the same id resumes it.</summary>
public sealed record ReplayProgress(ReplayProgressStore Store, string ReplayId);

public sealed class ReplayDeliveryException(string message, Exception? inner) : Exception(message, inner);
