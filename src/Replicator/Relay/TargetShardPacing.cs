using System.Text.RegularExpressions;
using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

/// <summary>
/// Backs off per target shard. When a shard refuses records for its write limit, records for that
/// shard are held for a pause (longer each time it refuses again, with jitter, at most the second in
/// which its allowance refills) while records for other shards keep flowing; so a relay at the
/// target's capacity does not send the refused records straight back into a full shard. A shard that
/// takes a request whole is released, but its pause only starts short again after it has refused
/// nothing for <see cref="QuietPeriod"/>: at capacity the pause settles near the second, where each
/// pause is followed by as many requests as a second's allowance takes, and one refused. A key's shard
/// is learned from PutRecords' answers: a landed record's <c>ShardId</c>, or a refused one's
/// <c>ErrorMessage</c>, which names it (PutRecordsResultEntry in the Kinesis API reference: the message
/// of a ProvisionedThroughputExceededException "includes the account ID, stream name, and shard ID").
/// A key whose shard is not known yet is never held. Shared by the invocations of one function
/// instance (and a replay's lanes), so it is thread-safe.
/// </summary>
public sealed partial class TargetShardPacing(TimeProvider time)
{
    public static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);

    /// <summary>A shard's write allowance is per second: waiting longer only wastes it.</summary>
    public static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    /// <summary>A shard that refused nothing for this long is backed off from the first pause again.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(10);

    /// <summary>Keys remembered at most; a CDC stream can have millions, and forgetting one only means learning it again.</summary>
    private const int KeysRemembered = 100_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _shardOfKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Refusals, DateTimeOffset HeldUntil, DateTimeOffset LastRefusal)> _held = new(StringComparer.Ordinal);

    /// <summary>Whether a record of <paramref name="partitionKey"/> may go out at <paramref name="now"/>.</summary>
    /// <param name="now">
    /// One reading of the clock for a whole planning round, shared with <see cref="NextRelease"/>: read
    /// twice, a shard could be held at the first reading and released by the second, and a round that
    /// found nothing to send would find nothing to wait for either.
    /// </param>
    public bool MaySend(string partitionKey, DateTimeOffset now)
    {
        lock (_gate)
        {
            return !_shardOfKey.TryGetValue(partitionKey, out var shard) || !_held.TryGetValue(shard, out var held) || held.HeldUntil <= now;
        }
    }

    /// <summary>When the first shard held at <paramref name="now"/> is released; null when none is.</summary>
    public DateTimeOffset? NextRelease(DateTimeOffset now)
    {
        lock (_gate)
        {
            return _held.Values.Where(h => h.HeldUntil > now).Select(h => (DateTimeOffset?)h.HeldUntil).Min();
        }
    }

    /// <summary>Learns from one answer: which shard each key went to, which shards refused, and which took everything.</summary>
    public void Learn(IReadOnlyList<SourceRecord> request, IReadOnlyList<PutRecordsResultEntry> results)
    {
        lock (_gate)
        {
            if (_shardOfKey.Count > KeysRemembered)
            {
                _shardOfKey.Clear();
            }

            var refused = new HashSet<string>(StringComparer.Ordinal);
            var took = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < request.Count; i++)
            {
                var refusedForLimit = results[i].ErrorCode == "ProvisionedThroughputExceededException";
                if ((results[i].ShardId ?? (refusedForLimit ? ShardNamedIn(results[i].ErrorMessage) : null)) is not { } shard)
                {
                    continue;
                }

                _shardOfKey[request[i].PartitionKey] = shard;
                (refusedForLimit ? refused : took).Add(shard);
            }

            var now = time.GetUtcNow();
            foreach (var shard in took.Except(refused))
            {
                if (_held.TryGetValue(shard, out var held))
                {
                    _held[shard] = held with { HeldUntil = now };
                }
            }

            foreach (var shard in refused)
            {
                var refusals = _held.TryGetValue(shard, out var held) && now - held.LastRefusal < QuietPeriod ? held.Refusals + 1 : 1;
                var ceiling = Math.Min(LongestPause.TotalMilliseconds, FirstPause.TotalMilliseconds * Math.Pow(2, Math.Min(refusals - 1, 16)));
                // Half fixed, half random: a pause is never near zero, and relays refused together do not return together.
                _held[shard] = (refusals, now + TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2)), now);
            }
        }
    }

    private static string? ShardNamedIn(string? message) => message is null ? null : ShardId().Match(message) is { Success: true } match ? match.Value : null;

    [GeneratedRegex(@"shardId-[0-9]+")]
    private static partial Regex ShardId();
}
