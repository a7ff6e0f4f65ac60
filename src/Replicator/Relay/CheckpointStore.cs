using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Replicator.Relay;

/// <summary>
/// Per-shard checkpoints in kdsReplicationCheckpoint. Each shard's checkpoint is an attribute of the
/// stream's item (seed 004's item, keyed on <c>streamName</c>), so one conditional UpdateItem both
/// advances a shard and returns every shard's checkpoint, from which the stream-level
/// <c>lastReplicatedCommitTimestamp</c> (the minimum over shards and targets) is computed without a scan.
/// Both writes only ever move forward, so shards advancing in parallel can race safely.
/// </summary>
public sealed class CheckpointStore(IAmazonDynamoDB dynamoDb, string table, TimeProvider time)
{
    /// <summary>
    /// Moves the shard's checkpoint for a target forward to <paramref name="checkpoint"/>'s sequence number,
    /// keeping its commit timestamp the latest replicated on the shard (a later batch may end on an
    /// older commit), then raises the stream watermark.
    /// </summary>
    /// <param name="streamShardIds">Every shard of the source stream: the stream-level watermark rises only when each has a checkpoint.</param>
    public async Task<CheckpointAdvance> AdvanceAsync(string streamName, ShardCheckpoint checkpoint, IReadOnlyCollection<string> streamShardIds, CancellationToken cancellationToken)
    {
        var attribute = TableAttributes.Checkpoint(checkpoint);
        var response = await UpdateIfAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = StreamKey(streamName),
            UpdateExpression = "SET #cp = :cp",
            ConditionExpression = "attribute_not_exists(#cp) OR #cp.#seq < :seq",
            ExpressionAttributeNames = new()
            {
                ["#cp"] = attribute,
                ["#seq"] = TableAttributes.SequenceNumber,
            },
            ExpressionAttributeValues = new()
            {
                [":cp"] = Map(checkpoint),
                [":seq"] = new AttributeValue { S = SequenceNumbers.Pad(checkpoint.SequenceNumber) },
            },
            ReturnValues = ReturnValue.ALL_OLD,
        }, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return CheckpointAdvance.AlreadyAtOrPast;
        }

        var before = response.Attributes ?? [];
        var previous = Of(StreamCheckpoints.From(before), checkpoint.SourceRegion).Shards.FirstOrDefault(s => s.TargetRegion == checkpoint.TargetRegion && s.ShardId == checkpoint.ShardId);
        if (previous is not null && previous.CommitTimestamp > checkpoint.CommitTimestamp)
        {
            checkpoint = checkpoint with { CommitTimestamp = previous.CommitTimestamp };
            await KeepLatestCommitAsync(streamName, attribute, checkpoint, cancellationToken).ConfigureAwait(false);
        }

        var after = new Dictionary<string, AttributeValue>(before) { [attribute] = Map(checkpoint) };
        await RaiseWatermarkAsync(streamName, Of(StreamCheckpoints.From(after), checkpoint.SourceRegion), streamShardIds, cancellationToken).ConfigureAwait(false);
        return CheckpointAdvance.Advanced;
    }

    public async Task<StreamCheckpoints> ReadAsync(string streamName, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(new GetItemRequest { TableName = table, Key = StreamKey(streamName), ConsistentRead = true }, cancellationToken)
            .ConfigureAwait(false);
        return StreamCheckpoints.From(response.Item ?? []);
    }

    /// <summary>The checkpoints of the source the write came from (all of them for a write that names none).</summary>
    private static StreamCheckpoints Of(StreamCheckpoints all, string? sourceRegion) => sourceRegion is null ? all : all.OfSource(sourceRegion);

    /// <param name="checkpoints">The source's checkpoints: the stream's watermark is how far its active region's stream is replicated.</param>
    private async Task RaiseWatermarkAsync(string streamName, StreamCheckpoints checkpoints, IReadOnlyCollection<string> streamShardIds, CancellationToken cancellationToken)
    {
        if (checkpoints.WatermarkOver(streamShardIds) is not { } watermark || watermark <= checkpoints.LastReplicatedCommitTimestamp)
        {
            return;
        }

        // When the condition fails, another shard raised it at least as far in the meantime: the watermark is already right.
        // A value in another format (seed 004's) compares lexically as nonsense: replace exactly the text read, earlier than ours.
        var request = new UpdateItemRequest
        {
            TableName = table,
            Key = StreamKey(streamName),
            UpdateExpression = "SET #wm = :wm",
            ConditionExpression = "attribute_not_exists(#wm) OR #wm < :wm",
            ExpressionAttributeNames = new() { ["#wm"] = TableAttributes.LastReplicatedCommitTimestamp },
            ExpressionAttributeValues = new() { [":wm"] = new AttributeValue { S = CommitTimestamps.Format(watermark) } },
        };
        if (checkpoints.StoredWatermarkIsForeign)
        {
            request.ConditionExpression += " OR #wm = :stored";
            request.ExpressionAttributeValues[":stored"] = new AttributeValue { S = checkpoints.StoredWatermark };
        }

        await UpdateIfAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts the shard's earlier, later commit timestamp back. When the condition fails, a later batch of
    /// the shard wrote its checkpoint first, and that one carries the latest commit it knows.
    /// </summary>
    private Task KeepLatestCommitAsync(string streamName, string attribute, ShardCheckpoint checkpoint, CancellationToken cancellationToken) =>
        UpdateIfAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = StreamKey(streamName),
            UpdateExpression = "SET #cp.#ts = :ts",
            ConditionExpression = "#cp.#seq = :seq AND #cp.#ts < :ts",
            ExpressionAttributeNames = new()
            {
                ["#cp"] = attribute,
                ["#seq"] = TableAttributes.SequenceNumber,
                ["#ts"] = TableAttributes.CommitTimestamp,
            },
            ExpressionAttributeValues = new()
            {
                [":seq"] = new AttributeValue { S = SequenceNumbers.Pad(checkpoint.SequenceNumber) },
                [":ts"] = new AttributeValue { S = CommitTimestamps.Format(checkpoint.CommitTimestamp) },
            },
        }, cancellationToken);

    /// <summary>A conditional update: its response, or null when the condition did not hold (every write here only moves forward).</summary>
    private async Task<UpdateItemResponse?> UpdateIfAsync(UpdateItemRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await dynamoDb.UpdateItemAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    private AttributeValue Map(ShardCheckpoint checkpoint) => new()
    {
        M = new()
        {
            [TableAttributes.SequenceNumber] = new AttributeValue { S = SequenceNumbers.Pad(checkpoint.SequenceNumber) },
            [TableAttributes.CommitTimestamp] = new AttributeValue { S = CommitTimestamps.Format(checkpoint.CommitTimestamp) },
            [TableAttributes.UpdatedAt] = new AttributeValue { S = CommitTimestamps.Format(time.GetUtcNow()) },
        },
    };

    private static Dictionary<string, AttributeValue> StreamKey(string streamName) =>
        new() { [TableAttributes.StreamName] = new AttributeValue { S = streamName } };
}
