using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;
using Replicator.Relay;

namespace Replicator.LocalCloud.Migration;

/// <summary>
/// A relay in the style of seed 004's sample, which for every record makes one write into the target
/// stream and then one unconditional write of the record's commitTimestamp, as the producer wrote it,
/// to the stream's <c>lastReplicatedCommitTimestamp</c>. The benchmarks' baseline, and the installation
/// the migration drill replaces; it has none of the relay's ordering or failure handling (on a failure
/// it throws, and the batch is retried).
/// </summary>
public sealed class Seed004Relay(IPutRecordsTarget target, IAmazonDynamoDB dynamoDb, string checkpointTable)
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
                ExpressionAttributeValues = new() { [":wm"] = new AttributeValue { S = CommitTimestampAsWritten(record) } },
            }, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _checkpointWrites);
        }

        return JsonSerializer.SerializeToUtf8Bytes(StreamsEventResponse.Success, LambdaEventsJsonContext.Default.StreamsEventResponse);
    }

    /// <summary>The payload's commitTimestamp text, unparsed, as seed 004 stored it; like seed 004, a record without one fails its batch.</summary>
    private static string CommitTimestampAsWritten(SourceRecord record)
    {
        using var document = JsonDocument.Parse(record.Data.ToArray());
        return document.RootElement.TryGetProperty("commitTimestamp", out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidOperationException($"Record {record.SequenceNumber} has no string commitTimestamp, which seed 004's relay requires.");
    }
}
