using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Replicator.Aws.Kinesis;

namespace Replicator.LocalCloud.Limits;

/// <summary>
/// Which open shard of a stream a record goes to, as Kinesis decides it: the MD5 of the partition key
/// (or the explicit hash key) as a 128-bit number, within a shard's hash key range. Shards are read
/// from the emulator itself and read again when a key finds none (the stream was resharded).
/// </summary>
public sealed class ShardMap(KinesisClient emulator)
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<(string ShardId, BigInteger Start, BigInteger End)>> _open = new(StringComparer.Ordinal);

    /// <summary>The stream was resharded: read its open shards again before the next record.</summary>
    public void Forget(string stream) => _open.TryRemove(stream, out _);

    public async Task<string> ShardOfAsync(string stream, string partitionKey, string? explicitHashKey, CancellationToken cancellationToken)
    {
        var hash = explicitHashKey is null
            ? new BigInteger(MD5.HashData(Encoding.UTF8.GetBytes(partitionKey)), isUnsigned: true, isBigEndian: true)
            : BigInteger.Parse(explicitHashKey, CultureInfo.InvariantCulture);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (attempt > 0 || !_open.TryGetValue(stream, out var shards))
            {
                shards = _open[stream] = (await emulator.ListShardsAsync(stream, cancellationToken).ConfigureAwait(false))
                    .Where(s => s.SequenceNumberRange.EndingSequenceNumber is null)
                    .Select(s => (s.ShardId, BigInteger.Parse(s.HashKeyRange.StartingHashKey, CultureInfo.InvariantCulture), BigInteger.Parse(s.HashKeyRange.EndingHashKey, CultureInfo.InvariantCulture)))
                    .ToList();
            }

            foreach (var (shardId, start, end) in shards)
            {
                if (hash >= start && hash <= end)
                {
                    return shardId;
                }
            }
        }

        throw new InvalidOperationException($"No open shard of {stream} holds hash key {hash}.");
    }
}
