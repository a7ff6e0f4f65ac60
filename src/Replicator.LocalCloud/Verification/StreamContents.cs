using Replicator.Aws.Kinesis;
using Replicator.Relay;

namespace Replicator.LocalCloud.Verification;

/// <summary>Reads a whole stream, shard by shard, from TRIM_HORIZON to the current tail.</summary>
public static class StreamContents
{
    public static async Task<IReadOnlyList<ShardContents>> ReadAsync(KinesisClient client, string streamName, CancellationToken cancellationToken)
    {
        var result = new List<ShardContents>();
        foreach (var shard in await client.ListShardsAsync(streamName, cancellationToken).ConfigureAwait(false))
        {
            var records = new List<KinesisRecord>();
            var iterator = (await client.GetShardIteratorAsync(
                new GetShardIteratorRequest(streamName, shard.ShardId, ShardIteratorTypes.TrimHorizon), cancellationToken).ConfigureAwait(false)).ShardIterator;
            while (iterator is not null)
            {
                var page = await PatientReads.GetRecordsAsync(client, new GetRecordsRequest(iterator) { Limit = 10_000 }, cancellationToken).ConfigureAwait(false);
                records.AddRange(page.Records);
                // A page may stop short of the tail (10,000 records, or less where the service chooses):
                // only an empty page at the tail means the shard has been read to its end.
                if (page.Records.Count == 0 && (page.MillisBehindLatest ?? 0) == 0)
                {
                    break;
                }

                iterator = page.NextShardIterator;
            }

            result.Add(new ShardContents(shard.ShardId, records));
        }

        return result;
    }
}

public sealed record ShardContents(string ShardId, IReadOnlyList<KinesisRecord> Records)
{
    /// <summary>
    /// The records as a KCL consumer gets them: a KPL aggregate (<see cref="KplAggregate"/>) split into its
    /// user records, each under the aggregate's sequence number and arrival time.
    /// </summary>
    public IEnumerable<KinesisRecord> UserRecords =>
        Records.SelectMany(r => KplAggregate.Split(r.Data) is { } users ? users.Select(u => r with { PartitionKey = u.PartitionKey, Data = u.Data }) : [r]);

    public string? TailSequenceNumber => Records.Count == 0 ? null : Records[^1].SequenceNumber;
}
