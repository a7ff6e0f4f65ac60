using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Replicator.Consumers;

/// <summary>
/// A KCL 2.x/3.x application's lease table, as KCL's <c>DynamoDBLeaseSerializer</c> and
/// <c>DynamoDBMultiStreamLeaseSerializer</c> write it (amazon-kinesis-client 3.5.1): one item per shard,
/// keyed on <c>leaseKey</c> (the shard id, or <c>account:stream:creationEpoch:shardId</c> in multi-stream
/// mode, which adds <c>streamName</c> holding <c>account:stream:creationEpoch</c> and <c>shardId</c>).
/// A worker resumes a lease at its checkpoint with AT_SEQUENCE_NUMBER and drops every record at or before
/// it (ProcessTask.filterAndGetMaxExtendedSequenceNumber), so the checkpoint is the last record processed;
/// a child shard's lease waits while a parent's lease exists short of SHARD_END (BlockOnParentShardTask).
/// </summary>
public sealed class KclLeases(IAmazonDynamoDB dynamoDb)
{
    public const string LeaseKey = "leaseKey";
    public const string Checkpoint = "checkpoint";
    public const string CheckpointSubSequenceNumber = "checkpointSubSequenceNumber";
    public const string LeaseCounter = "leaseCounter";
    public const string OwnerSwitchesSinceCheckpoint = "ownerSwitchesSinceCheckpoint";
    public const string ParentShardId = "parentShardId";
    public const string StartingHashKey = "startingHashKey";
    public const string EndingHashKey = "endingHashKey";
    public const string MultiStreamName = "streamName";
    public const string MultiStreamShardId = "shardId";

    public const string TrimHorizon = "TRIM_HORIZON";
    public const string Latest = "LATEST";
    public const string ShardEnd = "SHARD_END";
    public const string AtTimestamp = "AT_TIMESTAMP";

    /// <summary>
    /// The consumer's positions in <paramref name="streamName"/>, one per lease. AT_TIMESTAMP (the worker's
    /// configured time, which the table does not keep) counts as nothing processed, which misses nothing.
    /// </summary>
    /// <exception cref="InvalidDataException">A lease's checkpoint is neither a sentinel nor a sequence number (named with its key).</exception>
    /// <returns>The positions, and whether the table is a multi-stream application's (its leases name their stream).</returns>
    public async Task<(IReadOnlyList<SourcePosition> Positions, bool MultiStream)> ReadPositionsAsync(string table, string streamName, CancellationToken cancellationToken)
    {
        var positions = new List<SourcePosition>();
        var multiStream = false;
        var request = new ScanRequest { TableName = table, ConsistentRead = true };
        do
        {
            var response = await dynamoDb.ScanAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Items)
            {
                var key = item[LeaseKey].S;
                multiStream |= item.ContainsKey(MultiStreamName);
                if (ShardOf(item, streamName) is { } shardId)
                {
                    positions.Add(PositionOf(shardId, item.GetValueOrDefault(Checkpoint)?.S, table, key));
                }
            }

            request.ExclusiveStartKey = response.LastEvaluatedKey;
        }
        while (request.ExclusiveStartKey is { Count: > 0 });

        return (positions, multiStream);
    }

    /// <summary>
    /// Creates <paramref name="table"/> (as KCL would: <c>leaseKey</c> hash key, on-demand) and writes one
    /// lease per target shard, unowned, so the application started there with the same name takes them.
    /// KCL 3.x adds its <c>LeaseOwnerToLeaseKeyIndex</c> to an existing table itself, and creates or keeps
    /// its coordinator state and worker metrics on its own.
    /// </summary>
    /// <exception cref="InvalidOperationException">The table holds leases already: they are the application's own progress there, and are not overwritten.</exception>
    public async Task WriteAsync(string table, IReadOnlyList<TargetPosition> positions, IReadOnlyList<TargetShard> shards, MultiStream? multiStream, CancellationToken cancellationToken)
    {
        await CreateIfAbsentAsync(table, cancellationToken).ConfigureAwait(false);
        var existing = await dynamoDb.ScanAsync(new ScanRequest { TableName = table, Limit = 1 }, cancellationToken).ConfigureAwait(false);
        if (existing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Lease table {table} already holds leases (first: {existing.Items[0][LeaseKey].S}): an application has run against it, and its positions are not overwritten. Translate into a new table, or delete this one first.");
        }

        var byShard = shards.ToDictionary(s => s.ShardId, StringComparer.Ordinal);
        foreach (var position in positions)
        {
            var shard = byShard[position.ShardId];
            var item = new Dictionary<string, AttributeValue>
            {
                [LeaseKey] = new() { S = multiStream is null ? shard.ShardId : $"{multiStream.StreamIdentifier}:{shard.ShardId}" },
                [Checkpoint] = new() { S = position.Finished ? ShardEnd : position.StartAfter ?? TrimHorizon },
                [CheckpointSubSequenceNumber] = new() { N = "0" },
                [LeaseCounter] = new() { N = "0" },
                [OwnerSwitchesSinceCheckpoint] = new() { N = "0" },
                [StartingHashKey] = new() { S = shard.StartingHashKey },
                [EndingHashKey] = new() { S = shard.EndingHashKey },
            };
            if (shard.ParentShardIds.Count > 0)
            {
                item[ParentShardId] = new() { SS = [.. shard.ParentShardIds] };
            }

            if (multiStream is not null)
            {
                item[MultiStreamName] = new() { S = multiStream.StreamIdentifier };
                item[MultiStreamShardId] = new() { S = shard.ShardId };
            }

            await dynamoDb.PutItemAsync(new PutItemRequest { TableName = table, Item = item }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The lease table as KCL creates it: <c>leaseKey</c> hash key, on-demand.</summary>
    public async Task CreateIfAbsentAsync(string table, CancellationToken cancellationToken)
    {
        try
        {
            await dynamoDb.CreateTableAsync(new CreateTableRequest
            {
                TableName = table,
                AttributeDefinitions = [new AttributeDefinition(LeaseKey, ScalarAttributeType.S)],
                KeySchema = [new KeySchemaElement(LeaseKey, KeyType.HASH)],
                BillingMode = BillingMode.PAY_PER_REQUEST,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ResourceInUseException)
        {
            // There already; it must be empty (checked next).
        }

        while ((await dynamoDb.DescribeTableAsync(table, cancellationToken).ConfigureAwait(false)).Table.TableStatus != TableStatus.ACTIVE)
        {
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The lease's shard, if it is one of <paramref name="streamName"/>'s; a multi-stream table holds other streams' too.</summary>
    private static string? ShardOf(Dictionary<string, AttributeValue> item, string streamName)
    {
        if (item.GetValueOrDefault(MultiStreamName)?.S is not { } identifier)
        {
            return item[LeaseKey].S;
        }

        return MultiStream.StreamNameOf(identifier) == streamName ? item.GetValueOrDefault(MultiStreamShardId)?.S ?? item[LeaseKey].S[(identifier.Length + 1)..] : null;
    }

    private static SourcePosition PositionOf(string shardId, string? checkpoint, string table, string key) => checkpoint switch
    {
        null or TrimHorizon or AtTimestamp => SourcePosition.FromStart(shardId),
        Latest or ShardEnd => SourcePosition.Done(shardId),
        _ when checkpoint.Length is > 0 and <= 129 && checkpoint.All(char.IsAsciiDigit) => SourcePosition.Through(shardId, checkpoint),
        _ => throw new InvalidDataException($"Lease {key} in {table} has checkpoint '{checkpoint}', neither a sequence number nor one of {TrimHorizon}, {Latest}, {ShardEnd}, {AtTimestamp}."),
    };
}

/// <summary>KCL's multi-stream identity of a stream: <c>account:streamName:creationEpoch</c> (StreamIdentifier.serialize).</summary>
public sealed record MultiStream(string AccountId, string StreamName, long CreationEpochSeconds)
{
    public string StreamIdentifier => string.Create(CultureInfo.InvariantCulture, $"{AccountId}:{StreamName}:{CreationEpochSeconds}");

    public static string? StreamNameOf(string identifier) => identifier.Split(':') is [_, var name, _] ? name : null;
}
