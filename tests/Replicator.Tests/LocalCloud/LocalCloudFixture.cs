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
