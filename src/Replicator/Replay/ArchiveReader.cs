using System.IO.Compression;
using Replicator.Archive;
using Replicator.Aws.S3;
using Replicator.Relay;

namespace Replicator.Replay;

/// <summary>
/// Reads the archive back an hour at a time. Within an hour, records are put back in shard order
/// (shard, then sequence number): Firehose's objects need not sort the way their records arrived,
/// but a key's records are all in one shard, so shard order is every key's order. Copies Firehose
/// delivered twice (it delivers at least once) are read once.
/// </summary>
public sealed class ArchiveReader(S3Reader s3, string bucket)
{
    /// <summary>One hour's records of the range that <paramref name="keep"/> accepts, in shard order, and how many the range has in that hour in all.</summary>
    /// <remarks>An hour is held in memory to sort it; a lane keeps only its own records, so more lanes need less each.</remarks>
    public async Task<HourOfArchive> ReadHourAsync(ReplayRange range, string hour, Func<ArchiveEnvelope, bool> keep, CancellationToken cancellationToken)
    {
        var records = new List<ArchiveEnvelope>();
        var inRange = 0;
        foreach (var key in await s3.ListKeysAsync(bucket, range.HourPrefix(hour), cancellationToken).ConfigureAwait(false))
        {
            byte[] gzipped;
            try
            {
                gzipped = await s3.GetObjectAsync(bucket, key, cancellationToken).ConfigureAwait(false);
            }
            catch (Aws.Json.AwsServiceException e) when (e.ErrorCode == "InvalidObjectState")
            {
                // The lifecycle rules move the archive to Glacier after 90 days and Deep Archive after 365.
                throw new ArchivedObjectNotRestoredException(
                    $"s3://{bucket}/{key} is in a Glacier storage class: restore the range's objects (S3 RestoreObject, or a Batch Operations restore job) and replay again. {e.Message}");
            }

            foreach (var record in Lines(gzipped).Where(r => range.Contains(r.CommitTimestamp ?? r.ArrivalTime)))
            {
                inRange++;
                if (keep(record))
                {
                    records.Add(record);
                }
            }
        }

        records.Sort(ShardOrder);
        // Sorted, a record Firehose delivered twice sits next to its copy.
        var ordered = new List<ArchiveEnvelope>(records.Count);
        foreach (var record in records)
        {
            if (ordered.Count == 0 || ShardOrder(ordered[^1], record) != 0)
            {
                ordered.Add(record);
            }
        }

        return new HourOfArchive(ordered, inRange);
    }

    private static int ShardOrder(ArchiveEnvelope left, ArchiveEnvelope right) =>
        string.CompareOrdinal(left.ShardId, right.ShardId) is var byShard and not 0 ? byShard : SequenceNumbers.Compare(left.SequenceNumber, right.SequenceNumber);

    /// <summary>How many objects, and how many bytes, the archive holds for the range's hours.</summary>
    public async Task<(int Objects, long Bytes)> MeasureAsync(ReplayRange range, CancellationToken cancellationToken)
    {
        var (objects, bytes) = (0, 0L);
        foreach (var prefix in range.HourPrefixes())
        {
            foreach (var item in await s3.ListAsync(bucket, prefix, cancellationToken).ConfigureAwait(false))
            {
                objects++;
                bytes += item.Size;
            }
        }

        return (objects, bytes);
    }

    private static List<ArchiveEnvelope> Lines(byte[] gzipped)
    {
        using var unzipped = new MemoryStream(gzipped.Length * 4);
        using (var gzip = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress))
        {
            gzip.CopyTo(unzipped);
        }

        var envelopes = new List<ArchiveEnvelope>();
        var rest = unzipped.GetBuffer().AsSpan(0, (int)unzipped.Length);
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            if (!line.IsEmpty)
            {
                envelopes.Add(ArchiveEnvelope.Parse(line));
            }

            rest = end < 0 ? [] : rest[(end + 1)..];
        }

        return envelopes;
    }
}

/// <param name="Records">The records kept, in shard order, each once.</param>
/// <param name="InRange">Every record of the range in the hour, kept or not (copies Firehose delivered twice included).</param>
public sealed record HourOfArchive(IReadOnlyList<ArchiveEnvelope> Records, int InRange)
{
    /// <summary>The part of the hour's records kept: a lane's share of the rate limits while it replays the hour.</summary>
    public double Share => InRange == 0 ? 0 : Math.Min(1, (double)Records.Count / InRange);
}

/// <summary>An object of the range has moved to a Glacier storage class and must be restored before it can be replayed.</summary>
public sealed class ArchivedObjectNotRestoredException(string message) : Exception(message);
