using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;

namespace Replicator.Tests.LocalCloud;

/// <summary>
/// Issue 15: the local cloud's DynamoDB as global tables run in multi-region eventual consistency
/// (DynamoDB developer guide, "Global tables: how it works"): a replica per region, writes replicated
/// asynchronously after a lag, the last writer winning, conditions judged by the local replica alone,
/// and a region that can be cut off.
/// </summary>
[Collection(LocalCloudCollection.Name)]
public sealed class GlobalTablesTests : IAsyncLifetime
{
    private static readonly TimeSpan Lag = TimeSpan.FromSeconds(1);
    private TwoRegionCloud _cloud = null!;
    private AmazonDynamoDBClient _a = null!;
    private AmazonDynamoDBClient _b = null!;

    private static string A => TwoRegionCloud.DefaultRegionA;

    private static string B => TwoRegionCloud.DefaultRegionB;

    public async Task InitializeAsync()
    {
        _cloud = await TwoRegionCloud.StartAsync(replicationLag: Lag);
        (_a, _b) = (_cloud.CreateDynamoDbClient(A), _cloud.CreateDynamoDbClient(B));
        await ReplicatorTables.CreateAsync(_a, CancellationToken.None);
        // Created in A, the tables are created in B at once; this waits until B's are active too.
        await ReplicatorTables.CreateAsync(_b, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        await _cloud.DisposeAsync();
    }

    [Fact]
    public async Task A_write_reaches_the_other_region_only_after_the_lag()
    {
        await PutAsync(_a, "lagged", "x");

        Assert.Equal("x", await ReadAsync(_a, "lagged"));
        Assert.Null(await ReadAsync(_b, "lagged"));
        await Task.Delay(Lag * 2);
        Assert.Equal("x", await ReadAsync(_b, "lagged"));
    }

    /// <summary>
    /// Issue 17: a table created in one region (a KCL application's lease table) is regional: neither it nor its
    /// items reach the other region, where the same application name gets a table of its own.
    /// </summary>
    [Fact]
    public async Task A_table_that_is_not_one_of_the_global_tables_stays_in_its_region()
    {
        await new Replicator.Consumers.KclLeases(_a).CreateIfAbsentAsync("regional-app", CancellationToken.None);
        await _a.PutItemAsync(new PutItemRequest { TableName = "regional-app", Item = new() { ["leaseKey"] = new AttributeValue { S = "shardId-000000000000" } } });
        await Task.Delay(Lag * 2);
        await _cloud.GlobalTables!.SettledAsync();

        await Assert.ThrowsAsync<ResourceNotFoundException>(() => _b.DescribeTableAsync("regional-app"));
        await new Replicator.Consumers.KclLeases(_b).CreateIfAbsentAsync("regional-app", CancellationToken.None);
        Assert.Empty((await _b.ScanAsync(new ScanRequest { TableName = "regional-app" })).Items);
    }

    /// <summary>Two regions that each check "not there yet" both pass: each asks only its own replica. Replication then keeps the later write everywhere.</summary>
    [Fact]
    public async Task Conditions_are_judged_by_the_local_replica_and_the_last_writer_wins()
    {
        await Task.WhenAll(PutNewAsync(_a, "race", "from-a"), PutNewAsync(_b, "race", "from-b"));
        await Task.Delay(Lag * 2);
        await _cloud.GlobalTables!.SettledAsync();

        var (inA, inB) = (await ReadAsync(_a, "race"), await ReadAsync(_b, "race"));
        Assert.Equal(inA, inB);
        Assert.Contains(inA, new[] { "from-a", "from-b" });
        Assert.True(_cloud.GlobalTables.LostToLaterWriters >= 1, "one region's write must have been overwritten by the later one");
    }

    [Fact]
    public async Task A_cut_off_region_answers_nothing_and_catches_up_once_back()
    {
        _cloud.GlobalTables!.CutOff(B);
        await PutAsync(_a, "outage", "during");
        await Task.Delay(Lag * 2);

        await Assert.ThrowsAnyAsync<Exception>(() => ReadAsync(_b, "outage"));
        _cloud.GlobalTables.Restore(B);
        await _cloud.GlobalTables.SettledAsync();
        Assert.Equal("during", await ReadAsync(_b, "outage"));
    }

    [Fact]
    public async Task A_delete_replicates_too()
    {
        await PutAsync(_a, "deleted", "x");
        await Task.Delay(Lag * 2);
        await _b.DeleteItemAsync(ReplicatorTables.Config, Key("deleted"));
        await Task.Delay(Lag * 2);
        await _cloud.GlobalTables!.SettledAsync();

        Assert.Null(await ReadAsync(_a, "deleted"));
    }

    private static Dictionary<string, AttributeValue> Key(string stream) => new() { ["streamName"] = new AttributeValue { S = stream } };

    private static Task PutAsync(IAmazonDynamoDB client, string stream, string value) =>
        client.PutItemAsync(ReplicatorTables.Config, new Dictionary<string, AttributeValue>(Key(stream)) { ["activeRegion"] = new AttributeValue { S = value } });

    private static Task PutNewAsync(IAmazonDynamoDB client, string stream, string value) =>
        client.PutItemAsync(new PutItemRequest
        {
            TableName = ReplicatorTables.Config,
            Item = new Dictionary<string, AttributeValue>(Key(stream)) { ["activeRegion"] = new AttributeValue { S = value } },
            ConditionExpression = "attribute_not_exists(streamName)",
        });

    private static async Task<string?> ReadAsync(IAmazonDynamoDB client, string stream)
    {
        var item = (await client.GetItemAsync(new GetItemRequest { TableName = ReplicatorTables.Config, Key = Key(stream), ConsistentRead = true })).Item;
        return item is { Count: > 0 } ? item["activeRegion"].S : null;
    }
}
