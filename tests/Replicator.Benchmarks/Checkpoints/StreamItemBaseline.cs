using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Replicator.Relay;

namespace Replicator.Benchmarks.Checkpoints;

/// <summary>
/// The checkpoint design this project had before issue 14: every shard's checkpoint an attribute of
/// the stream's one item, each batch a conditional UpdateItem of that item returning it whole (ALL_OLD)
/// to raise the watermark from it. DynamoDB charges a write by the larger of the item before and after
/// it, so each batch pays for every shard's checkpoint. Only that write is counted here (the watermark
/// write the old relay added when the minimum moved makes it worse, not better).
/// </summary>
public sealed class StreamItemBaseline(IAmazonDynamoDB dynamoDb, string table)
{
    public double WriteUnitsConsumed { get; private set; }

    public async Task AdvanceAsync(string streamName, ShardCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = new() { [TableAttributes.StreamName] = new AttributeValue { S = streamName } },
            UpdateExpression = "SET #cp = :cp",
            ExpressionAttributeNames = new() { ["#cp"] = $"checkpoint:{checkpoint.SourceRegion}:{checkpoint.TargetRegion}:{checkpoint.ShardId}" },
            ExpressionAttributeValues = new()
            {
                [":cp"] = new AttributeValue
                {
                    M = new()
                    {
                        [TableAttributes.SequenceNumber] = new AttributeValue { S = SequenceNumbers.Pad(checkpoint.SequenceNumber) },
                        [TableAttributes.CommitTimestamp] = new AttributeValue { S = CommitTimestamps.Format(checkpoint.CommitTimestamp!.Value) },
                        [TableAttributes.UpdatedAt] = new AttributeValue { S = CommitTimestamps.Format(DateTimeOffset.UtcNow) },
                    },
                },
            },
            ReturnValues = ReturnValue.ALL_OLD,
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        }, cancellationToken).ConfigureAwait(false);
        WriteUnitsConsumed += response.ConsumedCapacity?.CapacityUnits ?? 0;
    }
}
