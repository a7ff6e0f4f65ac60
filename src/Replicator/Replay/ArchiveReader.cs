using System.IO.Compression;
using System.Runtime.CompilerServices;
using Replicator.Archive;
using Replicator.Aws.S3;
using Replicator.Relay;

namespace Replicator.Replay;

/// <summary>
/// Reads a range of the archive back, hour by hour. Within an hour, records are put back in shard
/// order (shard, then sequence number): Firehose's objects need not sort the way their records
/// arrived, but a key's records are all in one shard, so shard order is every key's order. Copies
/// Firehose delivered twice (it delivers at least once) are read once.
/// </summary>
public sealed class ArchiveReader(S3Reader s3, string bucket)
{
    public async IAsyncEnumerable<ArchiveEnvelope> ReadAsync(ReplayRange range, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<(string Shard, string Sequence)>();
        foreach (var prefix in range.HourPrefixes())
        {
            var hour = new List<ArchiveEnvelope>();
            foreach (var key in await s3.ListKeysAsync(bucket, prefix, cancellationToken).ConfigureAwait(false))
            {
                hour.AddRange(Lines(await s3.GetObjectAsync(bucket, key, cancellationToken).ConfigureAwait(false)));
            }

            foreach (var envelope in hour.OrderBy(e => e.ShardId, StringComparer.Ordinal).ThenBy(e => SequenceNumbers.Pad(e.SequenceNumber), StringComparer.Ordinal))
            {
                if (range.Contains(envelope.CommitTimestamp ?? envelope.ArrivalTime) && seen.Add((envelope.ShardId, envelope.SequenceNumber)))
                {
                    yield return envelope;
                }
            }
        }
    }

    private static IEnumerable<ArchiveEnvelope> Lines(byte[] gzipped)
    {
        using var gzip = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                yield return ArchiveEnvelope.Parse(System.Text.Encoding.UTF8.GetBytes(line));
            }
        }
    }
}
