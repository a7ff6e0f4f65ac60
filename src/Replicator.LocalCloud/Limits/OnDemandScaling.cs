using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using Replicator.Aws.Kinesis;

namespace Replicator.LocalCloud.Limits;

/// <summary>
/// On-demand streams for kinesalite, which has only provisioned ones. Kinesis creates an on-demand
/// stream with four shards and splits shards as its traffic grows, by rules it does not publish (it
/// promises only to absorb up to double the stream's previous peak). Locally, a shard that admits more
/// than <see cref="KinesisLimits.OnDemandSplitShare"/> of its write allowance within one second is split
/// at the middle of its hash key range, one split at a time per stream, while records keep flowing. The
/// per-shard limits stay what they are: a burst past a shard's allowance is throttled before the split
/// lands, as on Kinesis.
/// </summary>
/// <param name="resharded">Told of every split, once the stream is ACTIVE again.</param>
public sealed class OnDemandScaling(KinesisClient emulator, Action<string> resharded, KinesisLimits limits, TimeProvider clock)
{
    /// <summary>The shards an on-demand stream starts with (Kinesis developer guide, "On-demand mode").</summary>
    public const int InitialShards = 4;

    private readonly ConcurrentDictionary<string, byte> _streams = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Stream, string Shard), WriteWindow> _windows = new();
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly Lock _startGate = new();
    private long _splits;

    /// <summary>Splits made so far, in every on-demand stream.</summary>
    public long Splits => Interlocked.Read(ref _splits);

    public bool IsOnDemand(string stream) => _streams.ContainsKey(stream);

    public void Add(string stream) => _streams[stream] = 0;

    /// <summary>The stream's last split (completed if none): a test awaits it, and so sees its failure.</summary>
    public Task SplittingOf(string stream) => _running.GetValueOrDefault(stream, Task.CompletedTask);

    /// <summary>Counts a record the shard admitted; past the share, starts splitting the shard unless the stream is being split already.</summary>
    public void Admitted(string stream, string shard, int bytes)
    {
        if (!IsOnDemand(stream))
        {
            return;
        }

        var window = _windows.GetOrAdd((stream, shard), _ => new WriteWindow());
        if (!window.Add(bytes, clock.GetTimestamp(), clock, limits))
        {
            return;
        }

        lock (_startGate)
        {
            if (SplittingOf(stream).IsCompleted)
            {
                _running[stream] = SplitAsync(stream, shard);
            }
        }
    }

    private async Task SplitAsync(string stream, string shardId)
    {
        // Off the request's path: the PutRecords that crossed the share is answered first.
        await Task.Yield();
        var shard = (await emulator.ListShardsAsync(stream, CancellationToken.None).ConfigureAwait(false))
            .FirstOrDefault(s => s.ShardId == shardId && s.SequenceNumberRange.EndingSequenceNumber is null);
        var (start, end) = shard is null
            ? (BigInteger.Zero, BigInteger.Zero)
            : (BigInteger.Parse(shard.HashKeyRange.StartingHashKey, CultureInfo.InvariantCulture), BigInteger.Parse(shard.HashKeyRange.EndingHashKey, CultureInfo.InvariantCulture));
        // Closed meanwhile, or too narrow to halve (both halves must be at least two hash keys wide).
        if (shard is null || end - start < 4)
        {
            return;
        }

        await emulator.SplitShardAsync(new SplitShardRequest(stream, shardId, ((start + end + 1) / 2).ToString(CultureInfo.InvariantCulture)), CancellationToken.None).ConfigureAwait(false);
        await emulator.WaitUntilActiveAsync(stream, CancellationToken.None).ConfigureAwait(false);
        Interlocked.Increment(ref _splits);
        resharded(stream);
    }

    /// <summary>What a shard admitted in the current one-second window.</summary>
    private sealed class WriteWindow
    {
        private readonly Lock _gate = new();
        private long _startedAt;
        private long _records;
        private long _bytes;

        /// <returns>Whether the window has now passed the share of the shard's allowance.</returns>
        public bool Add(int bytes, long now, TimeProvider clock, KinesisLimits limits)
        {
            lock (_gate)
            {
                if (_startedAt == 0 || clock.GetElapsedTime(_startedAt, now) >= TimeSpan.FromSeconds(1))
                {
                    (_startedAt, _records, _bytes) = (now, 0, 0);
                }

                _records++;
                _bytes += bytes;
                return _records > limits.WriteRecordsPerSecond * limits.OnDemandSplitShare
                    || _bytes > limits.WriteBytesPerSecond * limits.OnDemandSplitShare;
            }
        }
    }
}
