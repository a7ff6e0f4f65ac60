using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

/// <summary>Where one delivery's records landed in one target shard: the first and last sequence numbers PutRecords answered, and how many.</summary>
public sealed record TargetShardLanding(string FirstSequenceNumber, string LastSequenceNumber, int Count);

/// <summary>
/// Every record a delivery landed, per target shard, from PutRecords' answers: landed, not only durable
/// (a record past the durable prefix that landed is a copy in the shard all the same), so a consumer
/// translated from these positions (<c>Consumers.PositionTranslation</c>) starts at or before the first copy.
/// </summary>
public sealed class TargetLandings
{
    private readonly Dictionary<string, TargetShardLanding> _byShard = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, TargetShardLanding> ByShard => _byShard;

    public void Add(IReadOnlyList<PutRecordsResultEntry> results)
    {
        foreach (var result in results)
        {
            if (result is not { Succeeded: true, ShardId: { } shard, SequenceNumber: { } sequenceNumber })
            {
                continue;
            }

            _byShard[shard] = _byShard.TryGetValue(shard, out var landing)
                ? new TargetShardLanding(
                    SequenceNumbers.Min(landing.FirstSequenceNumber, sequenceNumber),
                    SequenceNumbers.Max(landing.LastSequenceNumber, sequenceNumber),
                    landing.Count + 1)
                : new TargetShardLanding(sequenceNumber, sequenceNumber, 1);
        }
    }
}
