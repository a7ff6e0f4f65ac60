using System.Text;
using Amazon.DynamoDBv2;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;

namespace Replicator.Tests.LocalCloud;

/// <summary>One local two-region cloud shared by the tests of the "local cloud" collection; each test uses its own stream names.</summary>
public sealed class LocalCloudFixture : IAsyncLifetime
{
    private TwoRegionCloud? _cloud;
    private AmazonDynamoDBClient? _dynamoDb;

    public TwoRegionCloud Cloud => _cloud ?? throw new InvalidOperationException("The local cloud has not started.");

    public IAmazonDynamoDB DynamoDb => _dynamoDb ?? throw new InvalidOperationException("The local cloud has not started.");

    public string RegionA => TwoRegionCloud.DefaultRegionA;

    public string RegionB => TwoRegionCloud.DefaultRegionB;

    public static string UniqueStreamName(string purpose) => $"{purpose}-{Guid.NewGuid():N}"[..Math.Min(purpose.Length + 13, 128)];

    /// <summary>Creates a stream with a new name in <paramref name="region"/> and waits until it is active.</summary>
    public async Task<string> CreateStreamAsync(string purpose, string region, int shards = 1)
    {
        var stream = UniqueStreamName(purpose);
        var kinesis = Cloud.CreateKinesisClient(region);
        await kinesis.CreateStreamAsync(stream, shards, CancellationToken.None);
        await kinesis.WaitUntilActiveAsync(stream, CancellationToken.None);
        return stream;
    }

    /// <summary>A stream of a new name in region A (one shard unless told, as the sample event's source) and a one-shard one in B, its target.</summary>
    public async Task<string> CreateStreamPairAsync(string purpose, int sourceShards = 1)
    {
        var stream = await CreateStreamAsync(purpose, RegionA, sourceShards);
        var target = Cloud.CreateKinesisClient(RegionB);
        await target.CreateStreamAsync(stream, 1, CancellationToken.None);
        await target.WaitUntilActiveAsync(stream, CancellationToken.None);
        return stream;
    }

    /// <summary>events/relay-kinesis.json, the sample event a region-A relay gets, pointed at <paramref name="stream"/>.</summary>
    public static byte[] SampleRelayEvent(string stream, string sampleFile = "relay-kinesis.json")
    {
        var sample = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "events", sampleFile));
        return Encoding.UTF8.GetBytes(sample.Replace("stream/kds-stream-1", $"stream/{stream}", StringComparison.Ordinal));
    }

    public async Task InitializeAsync()
    {
        _cloud = await TwoRegionCloud.StartAsync();
        _dynamoDb = _cloud.CreateDynamoDbClient(RegionA);
        await ReplicatorTables.CreateAsync(_dynamoDb, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _dynamoDb?.Dispose();
        if (_cloud is not null)
        {
            await _cloud.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LocalCloudCollection : ICollectionFixture<LocalCloudFixture>
{
    public const string Name = "local cloud";
}

/// <summary>
/// The longest drills on the shared cloud, on a second one of the same kind beside the first: they
/// spend most of their time waiting (invocations stalled to their timeout, drains, fences), and the
/// suite used one of the machine's two cores while they ran one after another with everything else.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DrillCloudCollection : ICollectionFixture<LocalCloudFixture>
{
    public const string Name = "drill cloud";
}

/// <summary>
/// Drills that start a cloud of their own (they stop a region, or need three): one at a time among
/// themselves, but beside the shared cloud's collection rather than after it, since they spend most of
/// their time waiting on fences, drains and DNS. The suite's wall time is what CI's 15 minutes bound.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OwnCloudCollection
{
    public const string Name = "own cloud";
}
