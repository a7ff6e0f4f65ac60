using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Replicator.Relay;

/// <summary>
/// The relay's position samples in kdsReplicationPositions (a global table, so the other region has
/// them after a failover): one item per invocation that landed records, keyed by source shard
/// (<c>{stream}/{source}/{target}/{shardId}</c>) and the batch's first source sequence number (padded,
/// so DynamoDB's range order is numeric order). An item expires <see cref="Retention"/> after its
/// batch, which must cover the stream's retention: a sample is useful as long as a consumer's position
/// can name one of its records.
/// </summary>
public sealed class PositionSamples(IAmazonDynamoDB dynamoDb, string table, TimeSpan retention)
{
    public const string SourceShard = "sourceShard";
    public const string FirstSequenceNumber = "firstSequenceNumber";
    private const string StartedAt = "startedAt";
    private const string Targets = "landings";

    public TimeSpan Retention => retention;

    public static string KeyOf(string streamName, string sourceRegion, string targetRegion, string shardId) =>
        $"{streamName}/{sourceRegion}/{targetRegion}/{shardId}";

    /// <summary>One PutItem; a retried batch (same first record) overwrites its earlier attempt's sample, whose copies it sends again.</summary>
    public Task WriteAsync(string streamName, string sourceRegion, string targetRegion, PositionSample sample, CancellationToken cancellationToken) =>
        dynamoDb.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new()
            {
                [SourceShard] = new AttributeValue { S = KeyOf(streamName, sourceRegion, targetRegion, sample.SourceShardId) },
                [FirstSequenceNumber] = new AttributeValue { S = SequenceNumbers.Pad(sample.FirstSourceSequenceNumber) },
                [StartedAt] = Number(sample.StartedAt.ToUnixTimeMilliseconds()),
                [TableAttributes.ExpiresAt] = Number((sample.StartedAt + retention).ToUnixTimeSeconds()),
                [Targets] = new AttributeValue { B = new MemoryStream(LandingsCodec.Encode(sample.Targets)) },
            },
        }, cancellationToken);

    /// <summary>
    /// The shard's samples in source order: every one after <paramref name="after"/> (all of them when
    /// null), and, going back from it, the samples before it until each of <paramref name="targetShards"/>
    /// has been seen (the anchors a translation starts after) or <paramref name="lookBack"/> were read.
    /// </summary>
    public async Task<IReadOnlyList<PositionSample>> ReadAroundAsync(
        string streamName, string sourceRegion, string targetRegion, string shardId, string? after,
        IReadOnlyCollection<string> targetShards, int lookBack, CancellationToken cancellationToken)
    {
        var key = KeyOf(streamName, sourceRegion, targetRegion, shardId);
        var samples = new List<PositionSample>();
        if (after is not null)
        {
            var unseen = new HashSet<string>(targetShards, StringComparer.Ordinal);
            await foreach (var sample in QueryAsync(key, shardId, "<=", after, forward: false, cancellationToken).ConfigureAwait(false))
            {
                samples.Add(sample);
                unseen.ExceptWith(sample.Targets.Keys);
                if (unseen.Count == 0 || samples.Count >= lookBack)
                {
                    break;
                }
            }

            samples.Reverse();
        }

        await foreach (var sample in QueryAsync(key, shardId, ">", after, forward: true, cancellationToken).ConfigureAwait(false))
        {
            samples.Add(sample);
        }

        return samples;
    }

    private async IAsyncEnumerable<PositionSample> QueryAsync(
        string key, string shardId, string comparison, string? sequenceNumber, bool forward,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            TableName = table,
            ConsistentRead = true,
            ScanIndexForward = forward,
            KeyConditionExpression = sequenceNumber is null ? "#key = :key" : $"#key = :key AND #first {comparison} :seq",
            ExpressionAttributeNames = sequenceNumber is null ? new() { ["#key"] = SourceShard } : new() { ["#key"] = SourceShard, ["#first"] = FirstSequenceNumber },
            ExpressionAttributeValues = new() { [":key"] = new AttributeValue { S = key } },
        };
        if (sequenceNumber is not null)
        {
            request.ExpressionAttributeValues[":seq"] = new AttributeValue { S = SequenceNumbers.Pad(sequenceNumber) };
        }

        do
        {
            var response = await dynamoDb.QueryAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Items)
            {
                yield return Read(shardId, item);
            }

            request.ExclusiveStartKey = response.LastEvaluatedKey;
        }
        while (request.ExclusiveStartKey is { Count: > 0 });
    }

    private static PositionSample Read(string shardId, Dictionary<string, AttributeValue> item) => new(
        shardId,
        item[FirstSequenceNumber].S.TrimStart('0') is { Length: > 0 } first ? first : "0",
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(item[StartedAt].N, CultureInfo.InvariantCulture)),
        LandingsCodec.Decode(item[Targets].B.ToArray()));

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
