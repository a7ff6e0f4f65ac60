using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;
using Replicator.Relay;

namespace Replicator.Benchmarks.RelayThroughput;

/// <summary>
/// The baseline: a relay in the style of seed 004's sample, which for every record makes one write
/// into the target stream and then one checkpoint write. Built here only to be measured against;
/// it has none of the relay's ordering or failure handling (on a failure it throws, and the batch is retried).
/// </summary>
public sealed class PerRecordBaselineRelay(IPutRecordsTarget target, IAmazonDynamoDB dynamoDb, string checkpointTable)
{
    private long _checkpointWrites;

    public long CheckpointWrites => Interlocked.Read(ref _checkpointWrites);

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        var batch = SourceBatch.Read(payload);
        foreach (var record in batch.Records)
        {
            var response = await target.PutRecordsAsync(
                new PutRecordsRequest(batch.StreamName, [new PutRecordsRequestEntry(record.Data, record.PartitionKey)]), cancellationToken).ConfigureAwait(false);
            if (response.FailedRecordCount > 0)
            {
                throw new InvalidOperationException($"PutRecord failed for sequence number {record.SequenceNumber}: {response.Records[0].ErrorCode}");
            }

            await dynamoDb.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = checkpointTable,
                Key = new() { [TableAttributes.StreamName] = new AttributeValue { S = batch.StreamName } },
                UpdateExpression = "SET #wm = :wm",
                ExpressionAttributeNames = new() { ["#wm"] = TableAttributes.LastReplicatedCommitTimestamp },
                ExpressionAttributeValues = new() { [":wm"] = new AttributeValue { S = CommitTimestamps.Format(CommitTimestamps.TryRead(record.Data) ?? record.ArrivalTime) } },
            }, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _checkpointWrites);
        }

        return JsonSerializer.SerializeToUtf8Bytes(StreamsEventResponse.Success, LambdaEventsJsonContext.Default.StreamsEventResponse);
    }
}
