using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Replicator.Relay;

/// <summary>
/// Checkpoints in kdsReplicationCheckpoint: one small item per (stream, source region, target region,
/// shard), keyed by <see cref="CheckpointKeys"/> under seed 004's hash key <c>streamName</c>, so a
/// batch's checkpoint costs one write of under 1 KB whatever the stream's shard count, and shards
/// spread over keys instead of all landing on one. The stream's own item keeps seed 004's
/// <c>lastReplicatedCommitTimestamp</c>, raised by the lag monitor once a minute (<see cref="Watermark"/>),
/// not by every batch. Every write only moves forward, so shards and retries can race safely.
/// </summary>
public sealed class CheckpointStore(IAmazonDynamoDB dynamoDb, string table, TimeProvider time)
{
    /// <summary>BatchGetItem's limit on keys per request.</summary>
    private const int KeysPerBatchGet = 100;

    private long _writeUnitsMilli;

    /// <summary>Write capacity the store's writes consumed, as DynamoDB reported it (the checkpoint benchmark reads it).</summary>
    public double WriteUnitsConsumed => Interlocked.Read(ref _writeUnitsMilli) / 1000.0;

    /// <summary>
    /// Moves the shard's checkpoint for a target forward to <paramref name="checkpoint"/>'s sequence number,
    /// keeping its commit timestamp the latest replicated on the shard (a later batch may end on an
    /// older commit, or on none).
    /// </summary>
    public async Task<CheckpointAdvance> AdvanceAsync(string streamName, ShardCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var source = checkpoint.SourceRegion ?? throw new ArgumentException("A checkpoint written now names its source region.", nameof(checkpoint));
        var request = ForwardOnly(streamName, source, checkpoint.TargetRegion, checkpoint.ShardId, TableAttributes.SequenceNumber, checkpoint.SequenceNumber);
        request.ReturnValues = ReturnValue.ALL_OLD;
        if (checkpoint.CommitTimestamp is { } commit)
        {
            request.UpdateExpression += ", #ts = :ts";
            request.ExpressionAttributeNames["#ts"] = TableAttributes.CommitTimestamp;
            request.ExpressionAttributeValues[":ts"] = new AttributeValue { S = CommitTimestamps.Format(commit) };
        }

        var response = await UpdateIfAsync(request, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return CheckpointAdvance.AlreadyAtOrPast;
        }

        if (checkpoint.CommitTimestamp is { } written && CommitOf(response.Attributes) is { } previous && previous > written)
        {
            await KeepLatestCommitAsync(request.Key, request.ExpressionAttributeValues[":seq"], previous, cancellationToken).ConfigureAwait(false);
        }

        return CheckpointAdvance.Advanced;
    }

    /// <summary>
    /// Records that the relay consumed the shard up to <paramref name="sequenceNumber"/> without copying
    /// it, on purpose: the replicated checkpoint stays where it is, so nothing reads these records as
    /// replicated (the drain, the RPO and the lag still count them), while the shard's children may go on.
    /// </summary>
    public async Task PassOverAsync(string streamName, string sourceRegion, string targetRegion, string shardId, string sequenceNumber, CancellationToken cancellationToken) =>
        await UpdateIfAsync(ForwardOnly(streamName, sourceRegion, targetRegion, shardId, TableAttributes.PassedOverSequenceNumber, sequenceNumber), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The last record of the shard the relay is done with for the target: replicated or passed over,
    /// whichever is later; null if it has done neither.
    /// </summary>
    public async Task<string?> DoneThroughAsync(string streamName, string sourceRegion, string targetRegion, string shardId, CancellationToken cancellationToken)
    {
        var item = await GetAsync(CheckpointKeys.Of(streamName, sourceRegion, targetRegion, shardId), cancellationToken).ConfigureAwait(false);
        var (replicated, passed) = (item?.GetValueOrDefault(TableAttributes.SequenceNumber)?.S, item?.GetValueOrDefault(TableAttributes.PassedOverSequenceNumber)?.S);
        var latest = string.CompareOrdinal(replicated, passed) >= 0 ? replicated : passed;
        if (latest is not null)
        {
            return latest.TrimStart('0');
        }

        // A checkpoint an earlier version kept as an attribute of the stream's item.
        return LegacyCheckpoints.Find(await GetAsync(streamName, cancellationToken).ConfigureAwait(false) ?? [], sourceRegion, targetRegion, shardId)?.SequenceNumber;
    }

    /// <summary>
    /// Of <paramref name="shardIds"/>, the shards that have a checkpoint item for the target (replicated
    /// or passed over) without an expiry yet.
    /// </summary>
    public async Task<IReadOnlyList<string>> WithoutExpiryAsync(
        string streamName, string sourceRegion, string targetRegion, IReadOnlyCollection<string> shardIds, CancellationToken cancellationToken)
    {
        var byKey = shardIds.ToDictionary(s => CheckpointKeys.Of(streamName, sourceRegion, targetRegion, s), StringComparer.Ordinal);
        var found = new List<string>();
        foreach (var chunk in byKey.Keys.Chunk(KeysPerBatchGet))
        {
            await foreach (var item in BatchGetAsync(chunk, cancellationToken).ConfigureAwait(false))
            {
                if (!item.ContainsKey(TableAttributes.ExpiresAt))
                {
                    found.Add(byKey[item[TableAttributes.StreamName].S]);
                }
            }
        }

        return found;
    }

    /// <summary>
    /// Lets DynamoDB's TTL delete the shard's checkpoint item from <paramref name="at"/> on. Only an item
    /// that exists and has no expiry yet: the first expiry set is the one kept.
    /// </summary>
    /// <returns>Whether this call set it.</returns>
    public async Task<bool> ExpireAsync(string streamName, string sourceRegion, string targetRegion, string shardId, DateTimeOffset at, CancellationToken cancellationToken) =>
        await UpdateIfAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = Key(CheckpointKeys.Of(streamName, sourceRegion, targetRegion, shardId)),
            UpdateExpression = "SET #expires = :expires",
            ConditionExpression = "attribute_exists(#key) AND attribute_not_exists(#expires)",
            ExpressionAttributeNames = new() { ["#key"] = TableAttributes.StreamName, ["#expires"] = TableAttributes.ExpiresAt },
            ExpressionAttributeValues = new() { [":expires"] = new AttributeValue { N = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) } },
        }, cancellationToken).ConfigureAwait(false) is not null;

    private async Task<Dictionary<string, AttributeValue>?> GetAsync(string key, CancellationToken cancellationToken) =>
        (await dynamoDb.GetItemAsync(new GetItemRequest { TableName = table, Key = Key(key), ConsistentRead = true }, cancellationToken).ConfigureAwait(false)).Item is { Count: > 0 } item
            ? item
            : null;

    /// <summary>
    /// The checkpoints for <paramref name="shardIds"/> of the stream in <paramref name="sourceRegion"/>
    /// for one target, by shard id (a shard without one is absent). A checkpoint an earlier version kept
    /// as an attribute of the stream's item counts where the shard has no item of its own yet.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, ShardCheckpoint>> ReadAsync(
        string streamName, string sourceRegion, string targetRegion, IReadOnlyCollection<string> shardIds, CancellationToken cancellationToken)
    {
        if (shardIds.Count == 0)
        {
            return new Dictionary<string, ShardCheckpoint>(StringComparer.Ordinal);
        }

        var keys = shardIds.Select(s => CheckpointKeys.Of(streamName, sourceRegion, targetRegion, s)).Append(streamName).ToList();
        var items = new Dictionary<string, Dictionary<string, AttributeValue>>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(KeysPerBatchGet))
        {
            await foreach (var item in BatchGetAsync(chunk, cancellationToken).ConfigureAwait(false))
            {
                items[item[TableAttributes.StreamName].S] = item;
            }
        }

        var streamItem = items.GetValueOrDefault(streamName) ?? [];
        var found = new Dictionary<string, ShardCheckpoint>(StringComparer.Ordinal);
        foreach (var shardId in shardIds)
        {
            if (items.TryGetValue(CheckpointKeys.Of(streamName, sourceRegion, targetRegion, shardId), out var item) && item.ContainsKey(TableAttributes.SequenceNumber))
            {
                found[shardId] = new ShardCheckpoint(targetRegion, shardId, item[TableAttributes.SequenceNumber].S.TrimStart('0'), CommitOf(item), sourceRegion);
            }
            else if (LegacyCheckpoints.Find(streamItem, sourceRegion, targetRegion, shardId) is { } legacy)
            {
                found[shardId] = legacy;
            }
        }

        return found;
    }

    /// <summary>The stream's stored <c>lastReplicatedCommitTimestamp</c>.</summary>
    public async Task<StoredWatermark> ReadWatermarkAsync(string streamName, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = Key(streamName),
            ProjectionExpression = "#wm",
            ExpressionAttributeNames = new() { ["#wm"] = TableAttributes.LastReplicatedCommitTimestamp },
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false);
        return StoredWatermark.From(response.Item?.GetValueOrDefault(TableAttributes.LastReplicatedCommitTimestamp)?.S);
    }

    /// <summary>Raises the stream's <c>lastReplicatedCommitTimestamp</c> to <paramref name="watermark"/> if it is lower (or in another format).</summary>
    /// <returns>Whether it was raised.</returns>
    public async Task<bool> RaiseWatermarkAsync(string streamName, DateTimeOffset watermark, CancellationToken cancellationToken)
    {
        var stored = await ReadWatermarkAsync(streamName, cancellationToken).ConfigureAwait(false);
        if (stored.Value is { } current && watermark <= current)
        {
            return false;
        }

        // When the condition fails, another writer raised it at least as far in the meantime: the watermark is already right.
        // A value in another format (seed 004's) compares lexically as nonsense: replace exactly the text read.
        var request = new UpdateItemRequest
        {
            TableName = table,
            Key = Key(streamName),
            UpdateExpression = "SET #wm = :wm",
            ConditionExpression = "attribute_not_exists(#wm) OR #wm < :wm",
            ExpressionAttributeNames = new() { ["#wm"] = TableAttributes.LastReplicatedCommitTimestamp },
            ExpressionAttributeValues = new() { [":wm"] = new AttributeValue { S = CommitTimestamps.Format(watermark) } },
        };
        if (stored.IsForeign)
        {
            request.ConditionExpression += " OR #wm = :stored";
            request.ExpressionAttributeValues[":stored"] = new AttributeValue { S = stored.Text };
        }

        return await UpdateIfAsync(request, cancellationToken).ConfigureAwait(false) is not null;
    }

    private async IAsyncEnumerable<Dictionary<string, AttributeValue>> BatchGetAsync(
        IReadOnlyList<string> keys, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pending = new KeysAndAttributes { Keys = keys.Select(Key).ToList(), ConsistentRead = true };
        for (var attempt = 0; pending.Keys.Count > 0; attempt++)
        {
            if (attempt > 0)
            {
                // Unprocessed keys mean the table's read capacity ran out: back off before asking again, as the API reference advises.
                await Task.Delay(TimeSpan.FromMilliseconds(50 << Math.Min(attempt, 6)), time, cancellationToken).ConfigureAwait(false);
            }

            var response = await dynamoDb.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = new() { [table] = pending } }, cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Responses?.GetValueOrDefault(table) ?? [])
            {
                yield return item;
            }

            pending = response.UnprocessedKeys?.GetValueOrDefault(table) ?? new KeysAndAttributes { Keys = [] };
        }
    }

    /// <summary>
    /// Sets the shard's <paramref name="attribute"/> (a sequence number) if that moves it forward, with the
    /// time and the plain attributes for whoever reads the table.
    /// </summary>
    private UpdateItemRequest ForwardOnly(string streamName, string sourceRegion, string targetRegion, string shardId, string attribute, string sequenceNumber) => new()
    {
        TableName = table,
        Key = Key(CheckpointKeys.Of(streamName, sourceRegion, targetRegion, shardId)),
        UpdateExpression = "SET #seq = :seq, #updated = :updated, #stream = :stream, #source = :source, #target = :target, #shard = :shard",
        ConditionExpression = "attribute_not_exists(#seq) OR #seq < :seq",
        ExpressionAttributeNames = new()
        {
            ["#seq"] = attribute,
            ["#updated"] = TableAttributes.UpdatedAt,
            ["#stream"] = TableAttributes.Stream,
            ["#source"] = TableAttributes.SourceRegion,
            ["#target"] = TableAttributes.TargetRegion,
            ["#shard"] = TableAttributes.ShardId,
        },
        ExpressionAttributeValues = new()
        {
            [":seq"] = new AttributeValue { S = SequenceNumbers.Pad(sequenceNumber) },
            [":updated"] = new AttributeValue { S = CommitTimestamps.Format(time.GetUtcNow()) },
            [":stream"] = new AttributeValue { S = streamName },
            [":source"] = new AttributeValue { S = sourceRegion },
            [":target"] = new AttributeValue { S = targetRegion },
            [":shard"] = new AttributeValue { S = shardId },
        },
    };

    /// <summary>
    /// Puts the shard's earlier, later commit timestamp back. When the condition fails, a later batch of
    /// the shard wrote its checkpoint first, and that one carries the latest commit it knows.
    /// </summary>
    private Task KeepLatestCommitAsync(Dictionary<string, AttributeValue> key, AttributeValue sequenceNumber, DateTimeOffset commit, CancellationToken cancellationToken) =>
        UpdateIfAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = key,
            UpdateExpression = "SET #ts = :ts",
            ConditionExpression = "#seq = :seq AND #ts < :ts",
            ExpressionAttributeNames = new() { ["#seq"] = TableAttributes.SequenceNumber, ["#ts"] = TableAttributes.CommitTimestamp },
            ExpressionAttributeValues = new() { [":seq"] = sequenceNumber, [":ts"] = new AttributeValue { S = CommitTimestamps.Format(commit) } },
        }, cancellationToken);

    /// <summary>A conditional update: its response, or null when the condition did not hold (every write here only moves forward).</summary>
    private async Task<UpdateItemResponse?> UpdateIfAsync(UpdateItemRequest request, CancellationToken cancellationToken)
    {
        request.ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL;
        try
        {
            var response = await dynamoDb.UpdateItemAsync(request, cancellationToken).ConfigureAwait(false);
            Count(response.ConsumedCapacity);
            return response;
        }
        catch (ConditionalCheckFailedException)
        {
            // A failed condition consumes a write too (DynamoDB charges it), but its response does not say how much:
            // the item is under 1 KB, so one unit.
            Interlocked.Add(ref _writeUnitsMilli, 1000);
            return null;
        }
    }

    private void Count(ConsumedCapacity? consumed)
    {
        if (consumed?.CapacityUnits is { } units)
        {
            Interlocked.Add(ref _writeUnitsMilli, (long)Math.Round(units * 1000));
        }
    }

    private static DateTimeOffset? CommitOf(Dictionary<string, AttributeValue>? item) =>
        item?.GetValueOrDefault(TableAttributes.CommitTimestamp)?.S is { } text ? CommitTimestamps.Parse(text) : null;

    private static Dictionary<string, AttributeValue> Key(string key) =>
        new() { [TableAttributes.StreamName] = new AttributeValue { S = key } };
}
