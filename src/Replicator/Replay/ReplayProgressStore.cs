using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Replicator.Replay;

/// <summary>
/// How far each lane of a replay has got, in kdsReplayProgress (keyed on <c>replayId</c>): the number of
/// its records durable in the target. A lane's records come in the same order on every run (the
/// archive is read in a fixed order and a key's lane is fixed), so a replay started again with the same
/// id skips what is done; at most the chunk a lane had in flight is sent twice.
/// </summary>
public sealed class ReplayProgressStore(IAmazonDynamoDB dynamoDb, string table)
{
    public const string ReplayId = "replayId";

    public async Task<long[]> ReadAsync(string replayId, int lanes, CancellationToken cancellationToken)
    {
        var item = (await dynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new() { [ReplayId] = new AttributeValue { S = replayId } },
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false)).Item ?? [];
        return Enumerable.Range(0, lanes)
            .Select(lane => item.TryGetValue(Lane(lane), out var value) ? long.Parse(value.N, CultureInfo.InvariantCulture) : 0)
            .ToArray();
    }

    /// <summary>Moves a lane forward to <paramref name="position"/>; never back.</summary>
    public async Task AdvanceAsync(string replayId, int lane, long position, CancellationToken cancellationToken)
    {
        try
        {
            await dynamoDb.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = table,
                Key = new() { [ReplayId] = new AttributeValue { S = replayId } },
                UpdateExpression = "SET #lane = :position",
                ConditionExpression = "attribute_not_exists(#lane) OR #lane < :position",
                ExpressionAttributeNames = new() { ["#lane"] = Lane(lane) },
                ExpressionAttributeValues = new() { [":position"] = new AttributeValue { N = position.ToString(CultureInfo.InvariantCulture) } },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // Already at or past it: an earlier run of this replay got further.
        }
    }

    private static string Lane(int lane) => $"lane:{lane}";
}
