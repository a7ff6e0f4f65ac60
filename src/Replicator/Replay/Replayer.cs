using Replicator.Archive;
using Replicator.Relay;

namespace Replicator.Replay;

/// <summary>
/// Re-publishes archived records into a stream with the relay's ordering-safe delivery, in lanes:
/// a record's lane is fixed by its partition key's hash, so lanes run side by side and never reorder
/// a key. Each lane sends its records in archive order, a chunk at a time, at the pace the rate limits allow.
/// </summary>
public sealed class Replayer(RecordDelivery delivery, int lanes, ReplayPace pace, int chunkSize = 500)
{
    public async Task<ReplayResult> ReplayAsync(IAsyncEnumerable<ArchiveEnvelope> records, string targetStream, CancellationToken cancellationToken)
    {
        var channels = Enumerable.Range(0, lanes).Select(_ => System.Threading.Channels.Channel.CreateBounded<ArchiveEnvelope>(chunkSize * 4)).ToArray();
        var workers = channels.Select(channel => Task.Run(() => RunLaneAsync(channel.Reader, targetStream, cancellationToken), cancellationToken)).ToArray();
        long read = 0;
        try
        {
            await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                read++;
                await channels[LaneOf(record.PartitionKey, lanes)].Writer.WriteAsync(record, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Writer.TryComplete();
            }
        }

        var sent = await Task.WhenAll(workers).ConfigureAwait(false);
        return new ReplayResult(read, sent.Sum());
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

    private async Task<long> RunLaneAsync(System.Threading.Channels.ChannelReader<ArchiveEnvelope> lane, string targetStream, CancellationToken cancellationToken)
    {
        long sent = 0;
        var chunk = new List<SourceRecord>(chunkSize);
        while (await lane.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (chunk.Count < chunkSize && lane.TryRead(out var record))
            {
                chunk.Add(new SourceRecord(chunk.Count, record.SequenceNumber, record.PartitionKey, record.Data, record.ArrivalTime));
            }

            sent += await SendAsync(chunk, targetStream, cancellationToken).ConfigureAwait(false);
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
        var outcome = await delivery.DeliverAsync(targetStream, chunk, DateTimeOffset.UtcNow.AddMinutes(5), cancellationToken).ConfigureAwait(false);
        return outcome.Complete(chunk.Count)
            ? chunk.Count
            : throw new ReplayDeliveryException(
                $"Replaying into {targetStream} stopped at the record with archived sequence number {chunk[outcome.DurablePrefix].SequenceNumber}: {outcome.Error?.Message ?? "not durable in time"}", outcome.Error);
    }
}

public sealed record ReplayResult(long Read, long Sent);

public sealed class ReplayDeliveryException(string message, Exception? inner) : Exception(message, inner);
