using System.Text.Json.Nodes;
using Replicator.Aws.Glue;
using Replicator.Catalog;
using Replicator.LocalCloud.Catalog;
using Replicator.LocalCloud.StepFunctions;

namespace Replicator.Tests.LocalCloud;

/// <summary>statemachines/catalog-sync.asl.json on the local cloud: the function looping on its continuation between the regions' Glue stand-ins.</summary>
[Collection(LocalCloudCollection.Name)]
public sealed class CatalogSyncStateMachineTests(LocalCloudFixture fixture)
{
    private readonly LocalTopics _topics = new();

    [Fact]
    public async Task The_machine_loops_on_the_continuation_until_everything_is_synced()
    {
        var database = await SourceDatabaseAsync(partitions: 2500);

        var result = await RunAsync(database, maxPages: 1);

        Assert.True(result.IsSuccess, result.Cause);
        var totals = result.Output!;
        Assert.Equal((1, 1, 2500), ((int)totals["databases"]!["created"]!, (int)totals["tables"]!["created"]!, (int)totals["partitions"]!["created"]!));
        Assert.True(result.StatesEntered.Count(s => s == "Sync") >= 3, string.Join(" → ", result.StatesEntered));
        var (replicaPartitions, _) = await fixture.Cloud.CreateGlueClient(fixture.RegionB).GetPartitionsPageAsync(database, "orders", null, 1000, default);
        Assert.Equal("s3://lake-us-west-2/orders/p=0000/", (string?)replicaPartitions[0]["StorageDescriptor"]!["Location"]);
    }

    [Fact]
    public async Task A_partition_that_fails_fails_the_run_at_the_end_naming_it_after_the_rest_synced()
    {
        var database = await SourceDatabaseAsync(partitions: 300);
        fixture.Cloud.Glue(fixture.RegionB).FailPartitionsWhere = (db, _, values) => db == database && values[0] == "0123";
        try
        {
            var result = await RunAsync(database, maxPages: null);

            Assert.False(result.IsSuccess);
            Assert.Equal("CatalogSyncIncomplete", result.Error);
            Assert.Contains($"{database}.orders[0123]", result.Cause, StringComparison.Ordinal);
            Assert.Contains("\"created\":299", result.Cause, StringComparison.Ordinal);
            Assert.StartsWith("CatalogSyncIncomplete: 1 entities failed", Assert.Single(_topics.Published).Message, StringComparison.Ordinal);
        }
        finally
        {
            fixture.Cloud.Glue(fixture.RegionB).FailPartitionsWhere = (_, _, _) => false;
        }
    }

    private Task<ExecutionResult> RunAsync(string database, int? maxPages)
    {
        var settings = new Dictionary<string, string>
        {
            [CatalogSyncEnvironment.Databases] = database,
            [CatalogSyncEnvironment.PrefixMap] = "s3://lake-us-east-1/=s3://lake-us-west-2/",
        };
        if (maxPages is { } pages)
        {
            settings[CatalogSyncEnvironment.MaxPagesPerInvocation] = pages.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new LocalCatalogSync(fixture.Cloud, fixture.RegionA, fixture.RegionB, _topics, TextWriter.Null).RunAsync(settings, null, CancellationToken.None);
    }

    /// <summary>A new database in region A with one partitioned table; its own name keeps tests apart in the shared stand-ins.</summary>
    private async Task<string> SourceDatabaseAsync(int partitions)
    {
        var glue = fixture.Cloud.CreateGlueClient(fixture.RegionA);
        var database = $"db_{Guid.NewGuid():N}"[..16];
        await glue.CreateDatabaseAsync(new JsonObject { ["Name"] = database }, default);
        await glue.CreateTableAsync(database, new JsonObject
        {
            ["Name"] = "orders",
            ["PartitionKeys"] = new JsonArray(new JsonObject { ["Name"] = "p", ["Type"] = "string" }),
            ["StorageDescriptor"] = new JsonObject { ["Location"] = "s3://lake-us-east-1/orders/" },
        }, default);
        foreach (var batch in Enumerable.Range(0, partitions).Chunk(GlueClient.MaxBatchWrite))
        {
            Assert.Empty(await glue.BatchCreatePartitionAsync(database, "orders", batch.Select(i => new JsonObject
            {
                ["Values"] = new JsonArray($"{i:0000}"),
                ["StorageDescriptor"] = new JsonObject { ["Location"] = $"s3://lake-us-east-1/orders/p={i:0000}/" },
            }).ToList(), default));
        }

        return database;
    }
}
