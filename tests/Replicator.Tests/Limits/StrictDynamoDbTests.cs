using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Time.Testing;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Limits;
using Replicator.Relay;
using Replicator.Tests.LocalCloud;

namespace Replicator.Tests.Limits;

/// <summary>
/// The local DynamoDB as strict as DynamoDB's per-partition write limit (1,000 write units a second a
/// partition, "Quotas in Amazon DynamoDB"), on a frozen clock against dynalite, with the SDK's retries
/// off so every refusal is seen.
/// </summary>
[Collection(LocalCloudCollection.Name)]
public sealed class StrictDynamoDbTests(LocalCloudFixture fixture) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private StrictDynamoDb _dynamoDb = null!;
    private AmazonDynamoDBClient _client = null!;

    public Task InitializeAsync() => StartAsync(DynamoDbLimits.Strict);

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _dynamoDb.DisposeAsync();
    }

    [Fact]
    public async Task A_partition_key_takes_1000_write_units_a_second_charged_by_item_size_and_other_keys_are_not_held_back()
    {
        var key = LocalCloudFixture.UniqueStreamName("hot");
        var large = new string('x', 100 * 1024);

        // 100 KB items cost 100 units each: ten spend the key's second.
        for (var write = 0; write < 10; write++)
        {
            await PutAsync(key, large);
        }

        var refused = await Assert.ThrowsAsync<ProvisionedThroughputExceededException>(() => PutAsync(key, "small"));
        await PutAsync(key + "-other", large);
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        await PutAsync(key, "small");

        Assert.Contains(key, refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, _dynamoDb.ThrottledWrites);
        // The bill's meter: eleven writes of a 100 KB item and the small one written over it, 101 units each (the item's
        // name and key count too, and a write pays for the larger of the item before and after it); the refusal costs nothing.
        Assert.Equal(12 * 101, _dynamoDb.WriteUnits);
    }

    [Fact]
    public async Task A_write_whose_condition_fails_still_costs_a_unit()
    {
        await DisposeAsync();
        await StartAsync(DynamoDbLimits.Strict with { WriteUnitsPerSecondPerKey = 3 });
        var key = LocalCloudFixture.UniqueStreamName("cond");

        for (var write = 0; write < 3; write++)
        {
            await Assert.ThrowsAsync<ConditionalCheckFailedException>(() => _client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = ReplicatorTables.Checkpoint,
                Key = Key(key),
                UpdateExpression = "SET #v = :v",
                ConditionExpression = "attribute_exists(#v)",
                ExpressionAttributeNames = new() { ["#v"] = "v" },
                ExpressionAttributeValues = new() { [":v"] = new AttributeValue { S = "1" } },
            }));
        }

        await Assert.ThrowsAsync<ProvisionedThroughputExceededException>(() => PutAsync(key, "small"));
        Assert.Equal(3, _dynamoDb.WriteUnits);
    }

    /// <summary>
    /// Issue 14, item 1, on the strict DynamoDB: 512 shards checkpointing three batches each take three
    /// units per key, never refused; the earlier design, every shard's checkpoint on the stream's item
    /// (137 units a batch at 512 shards), is refused within eight batches of the second.
    /// </summary>
    [Fact]
    public async Task Per_shard_checkpoints_of_512_shards_fit_the_partition_limit_where_one_stream_item_cannot()
    {
        var stream = LocalCloudFixture.UniqueStreamName("cp512");
        var store = new CheckpointStore(_client, ReplicatorTables.Checkpoint, _clock);
        var shards = Enumerable.Range(0, 512).Select(i => $"shardId-{i:D12}").ToArray();
        for (var round = 1; round <= 3; round++)
        {
            foreach (var shard in shards)
            {
                await store.AdvanceAsync(stream, new ShardCheckpoint(fixture.RegionB, shard, $"{round}000", T0.AddSeconds(round), fixture.RegionA), CancellationToken.None);
            }
        }

        Assert.Equal(0, _dynamoDb.ThrottledWrites);

        var streamItem = new Dictionary<string, AttributeValue> { ["streamName"] = new() { S = stream + "-old" } };
        foreach (var shard in shards)
        {
            streamItem[$"checkpoint:{fixture.RegionA}:{fixture.RegionB}:{shard}"] = OldCheckpoint("1000");
        }

        await _client.PutItemAsync(ReplicatorTables.Checkpoint, streamItem);
        var accepted = 0;
        try
        {
            for (; accepted < 10; accepted++)
            {
                await _client.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = ReplicatorTables.Checkpoint,
                    Key = Key(stream + "-old"),
                    UpdateExpression = "SET #cp = :cp",
                    ExpressionAttributeNames = new() { ["#cp"] = $"checkpoint:{fixture.RegionA}:{fixture.RegionB}:{shards[accepted]}" },
                    ExpressionAttributeValues = new() { [":cp"] = OldCheckpoint("2000") },
                    ReturnValues = ReturnValue.ALL_OLD,
                });
            }
        }
        catch (ProvisionedThroughputExceededException)
        {
        }

        Assert.InRange(accepted, 1, 7);
        Assert.Equal(1, _dynamoDb.ThrottledWrites);
    }

    private async Task StartAsync(DynamoDbLimits limits)
    {
        _dynamoDb = new StrictDynamoDb(fixture.Cloud.DynamoDb.Emulator, fixture.Cloud.Credentials, limits, _clock);
        _client = new AmazonDynamoDBClient(fixture.Cloud.Credentials, new AmazonDynamoDBConfig
        {
            ServiceURL = _dynamoDb.Endpoint.ToString(),
            AuthenticationRegion = fixture.RegionA,
            MaxErrorRetry = 0,
        });
        await ReplicatorTables.CreateAsync(_client, CancellationToken.None);
    }

    private Task PutAsync(string key, string value) =>
        _client.PutItemAsync(ReplicatorTables.Checkpoint, new Dictionary<string, AttributeValue> { ["streamName"] = new() { S = key }, ["v"] = new() { S = value } });

    private static AttributeValue OldCheckpoint(string sequenceNumber) => new()
    {
        M = new()
        {
            [TableAttributes.SequenceNumber] = new AttributeValue { S = SequenceNumbers.Pad(sequenceNumber) },
            [TableAttributes.CommitTimestamp] = new AttributeValue { S = "2026-12-02T00:00:00.000Z" },
            [TableAttributes.UpdatedAt] = new AttributeValue { S = "2026-12-02T00:00:00.000Z" },
        },
    };

    private static Dictionary<string, AttributeValue> Key(string key) => new() { ["streamName"] = new AttributeValue { S = key } };
}
