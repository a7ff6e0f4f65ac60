using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

/// <summary>
/// Paces records to each target shard's write rate, so a relay at the target's capacity sends about what
/// the shards take instead of sending until refused. Each shard has an allowance of its 1,000 records
/// and 1 MiB a second (Kinesis developer guide, "Quotas and limits"), refilled continuously and holding
/// at most a second of it, as the shard's own; a record goes out only when its shard's allowance has room.
/// Other writers may spend the same shard's capacity (the function's other instances relay other source
/// shards into the same target shards), so a refusal of a record this relay paced cuts its share of the
/// rate, any refusal empties the allowance, and the share climbs back while the shard refuses nothing
/// (additive increase, multiplicative decrease).
/// <para>
/// A record's shard is known before it is sent when its key has been answered before (a landed record's
/// <c>ShardId</c>, or a refused one's <c>ErrorMessage</c>, which names it: PutRecordsResultEntry in the
/// Kinesis API reference), or when the MD5 of its key (how Kinesis maps a partition key to a 128-bit hash
/// key, and a shard holds a contiguous range of them) falls inside the range of hash keys already seen to
/// land in one shard. Ranges that overlap a shard's newer landings are forgotten (a resharded target's
/// closed parents). A record whose shard is not known is never held. Shared by the invocations of one
/// function instance (and a replay's lanes), so it is thread-safe.
/// </para>
/// </summary>
public sealed partial class TargetShardPacing(TimeProvider time)
{
    public const int ShardRecordsPerSecond = 1_000;

    public const int ShardBytesPerSecond = 1 << 20;

    /// <summary>What a refusal leaves of this relay's share of a shard's rate.</summary>
    public const double ShareAfterRefusal = 0.7;

    /// <summary>The share regained per second without a refusal: from the lowest to all of it in about ten seconds.</summary>
    public const double ShareRegainedPerSecond = 0.1;

    /// <summary>The least share: a relay never stops sending to a shard altogether.</summary>
    public const double LowestShare = 0.05;

    /// <summary>
    /// How much allowance a shard whose allowance ran out waits for before its records go again, in seconds
    /// of the whole shard's rate (100 records, 100 KiB), or all of this relay's share when that is less.
    /// </summary>
    public const double ChunkSeconds = 0.1;

    /// <summary>Keys remembered at most; a CDC stream can have millions, and forgetting one only means learning it again.</summary>
    private const int KeysRemembered = 100_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _shardOfKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ShardAllowance> _shards = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts choosing one request's records at <paramref name="now"/>: one reading of the clock for the
    /// whole round, so a round that finds nothing to send always finds something to wait for.
    /// </summary>
    public Round BeginRound(DateTimeOffset now) => new(this, now);

    /// <summary>Learns from one answer: which shard each key went to, which shards' hash keys it saw, and which shards refused.</summary>
    public void Learn(IReadOnlyList<SourceRecord> request, IReadOnlyList<PutRecordsResultEntry> results)
    {
        lock (_gate)
        {
            if (_shardOfKey.Count > KeysRemembered)
            {
                _shardOfKey.Clear();
            }

            var now = time.GetUtcNow();
            // Shard → whether a record paced for it was refused: only that shows other writers spending its
            // capacity (a record sent unpaced may simply have found it spent by this relay).
            var refused = new Dictionary<string, bool>(StringComparer.Ordinal);
            // A record sent before its shard was known spent none of the allowance (asked before this answer
            // teaches anything); what landed spent the shard's.
            var hashes = request.Select(r => HashKey(r.PartitionKey)).ToArray();
            var paced = request.Select((r, i) => ShardOf(r.PartitionKey, hashes[i]) is not null).ToArray();
            for (var i = 0; i < request.Count; i++)
            {
                var refusedForLimit = results[i].ErrorCode == "ProvisionedThroughputExceededException";
                if ((results[i].ShardId ?? (refusedForLimit ? ShardNamedIn(results[i].ErrorMessage) : null)) is not { } shard)
                {
                    continue;
                }

                _shardOfKey[request[i].PartitionKey] = shard;
                Seen(shard, hashes[i]);
                if (refusedForLimit)
                {
                    refused[shard] = refused.GetValueOrDefault(shard) || paced[i];
                }
                else if (!paced[i])
                {
                    Allowance(shard).Spent(request[i].RequestBytes, now);
                }
            }

            foreach (var (shard, wasPaced) in refused)
            {
                Allowance(shard).Refused(now, cutShare: wasPaced);
            }
        }
    }

    /// <summary>Spends <paramref name="bytes"/> of the allowance of the shard <paramref name="partitionKey"/> goes to, if known, and no record: an aggregate's bytes beyond its first record.</summary>
    public void Spend(string partitionKey, int bytes)
    {
        lock (_gate)
        {
            if (ShardOf(partitionKey) is { } shard)
            {
                Allowance(shard).Spent(bytes, time.GetUtcNow(), records: 0);
            }
        }
    }

    /// <summary>The 128-bit hash key Kinesis maps a partition key to: the MD5 of its UTF-8 bytes, read as an unsigned big-endian integer.</summary>
    public static UInt128 HashKey(string partitionKey)
    {
        Span<byte> digest = stackalloc byte[MD5.HashSizeInBytes];
        MD5.HashData(Encoding.UTF8.GetBytes(partitionKey), digest);
        return BinaryPrimitives.ReadUInt128BigEndian(digest);
    }

    /// <param name="hash">The key's hash key when the caller has it already; else computed only if the key is not known.</param>
    private string? ShardOf(string partitionKey, UInt128? hash = null)
    {
        if (_shardOfKey.TryGetValue(partitionKey, out var known))
        {
            return known;
        }

        hash ??= HashKey(partitionKey);
        foreach (var (shard, allowance) in _shards)
        {
            if (allowance.Covers(hash.Value))
            {
                return shard;
            }
        }

        return null;
    }

    /// <summary>Widens the shard's seen range to <paramref name="hash"/>, and forgets other shards' ranges it now overlaps.</summary>
    private void Seen(string shard, UInt128 hash)
    {
        var allowance = Allowance(shard);
        allowance.Widen(hash);
        foreach (var (other, overlapping) in _shards)
        {
            if (other != shard && overlapping.Overlaps(allowance))
            {
                overlapping.ForgetRange();
            }
        }
    }

    private ShardAllowance Allowance(string shard)
    {
        if (!_shards.TryGetValue(shard, out var allowance))
        {
            allowance = new ShardAllowance(time.GetUtcNow());
            _shards[shard] = allowance;
        }

        return allowance;
    }

    private static string? ShardNamedIn(string? message) => message is null ? null : ShardId().Match(message) is { Success: true } match ? match.Value : null;

    [GeneratedRegex(@"shardId-[0-9]+")]
    private static partial Regex ShardId();

    /// <summary>The records one request may carry, chosen record by record against each shard's allowance.</summary>
    public sealed class Round(TargetShardPacing pacing, DateTimeOffset now)
    {
        private readonly Dictionary<ShardAllowance, int> _held = [];

        /// <summary>When the first shard a record was held for opens again; null when nothing was held.</summary>
        public DateTimeOffset? NextRelease
        {
            get
            {
                lock (pacing._gate)
                {
                    return _held.Count == 0 ? null : now + _held.Min(h => h.Key.Wait(h.Value, now));
                }
            }
        }

        /// <summary>
        /// Whether the record may go in this request; if so its shard's allowance is spent on it. (A record
        /// allowed but then left out, the request being full, spends a little it did not use: the
        /// allowance refills within the second.)
        /// </summary>
        public bool MaySend(SourceRecord record)
        {
            lock (pacing._gate)
            {
                if (pacing.ShardOf(record.PartitionKey) is not { } shard)
                {
                    return true;
                }

                var allowance = pacing.Allowance(shard);
                if (allowance.TrySpend(record.RequestBytes, now))
                {
                    return true;
                }

                _held[allowance] = Math.Max(_held.GetValueOrDefault(allowance), record.RequestBytes);
                return false;
            }
        }
    }

    /// <summary>One shard's allowance, this relay's share of its rate, and the range of hash keys seen to land in it.</summary>
    private sealed class ShardAllowance(DateTimeOffset now)
    {
        private double _share = 1;
        private double _records = ShardRecordsPerSecond;
        private double _bytes = ShardBytesPerSecond;
        private DateTimeOffset _refilledAt = now;
        private bool _open = true;
        private UInt128? _lowest;
        private UInt128 _highest;

        /// <summary>
        /// Spends the allowance on one record if the shard is open and has room. A shard whose allowance ran
        /// out opens again only once a chunk of allowance has built up (<see cref="ChunkSeconds"/>), so the
        /// records held for it go in one request, not a few in each of the function's concurrent requests.
        /// The chunk is a share of the whole shard's rate, not of this relay's share: with many writers the
        /// share is small, and a chunk of it made each writer's requests as small (eight replay lanes into
        /// four shards sent 25 records a request); a writer with a small share waits longer and sends as much.
        /// </summary>
        public bool TrySpend(int bytes, DateTimeOffset now)
        {
            Refill(now);
            _open = _open || (_records >= ChunkRecords && _bytes >= ChunkBytes);
            // A record larger than the whole allowance goes once the allowance is full, or it would never go.
            if (_open && _records >= 1 && _bytes >= Math.Min(bytes, _share * ShardBytesPerSecond))
            {
                _records--;
                _bytes -= bytes;
                return true;
            }

            _open = false;
            return false;
        }

        /// <summary>How long until the shard opens again with room for a record of <paramref name="largest"/> bytes.</summary>
        public TimeSpan Wait(int largest, DateTimeOffset now)
        {
            Refill(now);
            var (recordRate, byteRate) = (_share * ShardRecordsPerSecond, _share * ShardBytesPerSecond);
            var seconds = Math.Max(
                (ChunkRecords - _records) / recordRate,
                (Math.Max(ChunkBytes, Math.Min(largest, byteRate)) - _bytes) / byteRate);
            // In whole milliseconds, at least one: Task.Delay's unit, and a shorter wait would spin.
            return TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(seconds * 1000)));
        }

        /// <summary>Counts a record that landed without having been paced (or bytes without a record).</summary>
        public void Spent(int bytes, DateTimeOffset now, int records = 1)
        {
            Refill(now);
            _records -= records;
            _bytes -= bytes;
        }

        public void Refused(DateTimeOffset now, bool cutShare)
        {
            Refill(now);
            _share = cutShare ? Math.Max(LowestShare, _share * ShareAfterRefusal) : _share;
            _records = Math.Min(_records, 0);
            _bytes = Math.Min(_bytes, 0);
        }

        private double ChunkRecords => Math.Min(ChunkSeconds, _share) * ShardRecordsPerSecond;

        private double ChunkBytes => Math.Min(ChunkSeconds, _share) * ShardBytesPerSecond;

        public bool Covers(UInt128 hash) => _lowest is { } lowest && lowest <= hash && hash <= _highest;

        public bool Overlaps(ShardAllowance other) =>
            _lowest is { } lowest && other._lowest is { } otherLowest && lowest <= other._highest && otherLowest <= _highest;

        public void Widen(UInt128 hash)
        {
            _lowest = _lowest is { } lowest && lowest < hash ? lowest : hash;
            _highest = hash > _highest ? hash : _highest;
        }

        public void ForgetRange() => (_lowest, _highest) = (null, UInt128.Zero);

        private void Refill(DateTimeOffset now)
        {
            var seconds = Math.Max(0, (now - _refilledAt).TotalSeconds);
            _refilledAt = now > _refilledAt ? now : _refilledAt;
            _share = Math.Min(1, _share + (seconds * ShareRegainedPerSecond));
            _records = Math.Min(_share * ShardRecordsPerSecond, _records + (seconds * _share * ShardRecordsPerSecond));
            _bytes = Math.Min(_share * ShardBytesPerSecond, _bytes + (seconds * _share * ShardBytesPerSecond));
        }
    }
}
