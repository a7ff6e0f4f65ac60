using Replicator.Aws.Kinesis;

namespace Replicator.Consumers;

/// <summary>
/// The oldest record each shard of the old region's stream still holds, where that region answers: with
/// it, a consumer position before every position sample can be shown to be covered by them
/// (<see cref="PositionTranslation"/>). A region that does not answer (its outage) leaves it unknown.
/// </summary>
public static class OldestRecords
{
    /// <summary>Kinesis may answer empty pages before a shard's first record; this many pages in a row end the search.</summary>
    private const int EmptyPagesBeforeEmpty = 20;

    /// <returns>Per shard, its oldest sequence number, or null when it holds no record; missing when unknown.</returns>
    public static async Task<IReadOnlyDictionary<string, string?>> ReadAsync(KinesisClient source, string streamName, IEnumerable<string> shardIds, CancellationToken cancellationToken)
    {
        var oldest = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var shardId in shardIds)
        {
            var iterator = (await source.GetShardIteratorAsync(new GetShardIteratorRequest(streamName, shardId, ShardIteratorTypes.TrimHorizon), cancellationToken).ConfigureAwait(false)).ShardIterator;
            for (var page = 0; page < EmptyPagesBeforeEmpty; page++)
            {
                if (iterator is null)
                {
                    oldest[shardId] = null;
                    break;
                }

                var response = await PatientReads.GetRecordsAsync(source, new GetRecordsRequest(iterator) { Limit = 1 }, cancellationToken).ConfigureAwait(false);
                if (response.Records.Count > 0)
                {
                    oldest[shardId] = response.Records[0].SequenceNumber;
                    break;
                }

                // Caught up with an empty page: the shard holds nothing (a closed one ends with no next iterator).
                iterator = response.MillisBehindLatest == 0 ? null : response.NextShardIterator;
            }
        }

        return oldest;
    }
}
