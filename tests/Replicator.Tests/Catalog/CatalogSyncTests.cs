using System.Globalization;
using System.Text.Json.Nodes;
using Replicator.Aws.Glue;
using Replicator.Catalog;
using Replicator.LocalCloud.StandIns;
using Replicator.LocalCloud.Verification;

namespace Replicator.Tests.Catalog;

/// <summary>The catalog sync between two regions' Glue stand-ins, checked entity by entity and call by call.</summary>
public sealed class CatalogSyncTests : IAsyncLifetime
{
    private const int Hours = 1000;
    private static readonly LocationRewriter Replica = LocationRewriter.Parse("s3://lake-us-east-1/=s3://lake-us-west-2/");

    private readonly GlueStandIn _sourceRegion = new();
    private readonly GlueStandIn _replicaRegion = new();
    private GlueClient _source = null!;
    private GlueClient _replica = null!;

    public async Task InitializeAsync()
    {
        _source = _sourceRegion.CreateClient("us-east-1");
        _replica = _replicaRegion.CreateClient("us-west-2");
        await _source.CreateDatabaseAsync(new JsonObject { ["Name"] = "sales", ["LocationUri"] = "s3://lake-us-east-1/sales/" }, default);
        await _source.CreateDatabaseAsync(new JsonObject { ["Name"] = "audit" }, default);
        await _source.CreateTableAsync("sales", Table("orders", "bigint"), default);
        await _source.CreateTableAsync("sales", Table("refunds", "bigint"), default);
        await _source.CreateTableAsync("audit", Table("events", "string"), default);
        foreach (var batch in Enumerable.Range(0, Hours).Select(Partition).Chunk(GlueClient.MaxBatchWrite))
        {
            Assert.Empty(await _source.BatchCreatePartitionAsync("sales", "orders", batch, default));
        }
    }

    public async Task DisposeAsync()
    {
        await _sourceRegion.DisposeAsync();
        await _replicaRegion.DisposeAsync();
    }

    [Fact]
    public async Task First_sync_copies_everything_with_locations_rewritten_and_a_second_writes_nothing()
    {
        var first = await SyncAsync();

        Assert.Empty(first.Failures);
        Assert.Equal((2, 3, Hours), (first.Databases.Created, first.Tables.Created, first.Partitions.Created));
        Assert.Equal(0, await MismatchesAsync());
        var orders = (await _replica.GetTableAsync("sales", "orders", default))!;
        Assert.Equal("s3://lake-us-west-2/sales/orders/", (string?)orders["StorageDescriptor"]!["Location"]);
        // Creates went in batches of 100: ten calls for the thousand partitions.
        Assert.Equal(2 + 3 + (Hours / GlueClient.MaxBatchWrite), _replica.Calls.Writes);

        var writesBefore = _replica.Calls.Writes;
        var second = await SyncAsync();

        Assert.Equal(0, second.Writes);
        Assert.Equal(writesBefore, _replica.Calls.Writes);
        Assert.Equal((2, 3, Hours), (second.Databases.Unchanged, second.Tables.Unchanged, second.Partitions.Unchanged));
    }

    [Fact]
    public async Task A_changed_table_and_one_percent_of_partitions_write_exactly_those()
    {
        await SyncAsync();
        await _source.UpdateTableAsync("sales", Table("orders", "decimal(20,0)"), default);
        var moved = Enumerable.Range(0, Hours).Where(h => h % 100 == 7).Select(h => Partition(h, "s3://lake-us-east-1/sales/orders-compacted/")).ToList();
        Assert.Empty(await _source.BatchUpdatePartitionAsync("sales", "orders", moved, default));
        var writesBefore = _replica.Calls.Writes;

        var result = await SyncAsync();

        Assert.Equal((1, 2), (result.Tables.Updated, result.Tables.Unchanged));
        Assert.Equal((0, moved.Count, Hours - moved.Count), (result.Partitions.Created, result.Partitions.Updated, result.Partitions.Unchanged));
        Assert.Equal(2, _replica.Calls.Writes - writesBefore);
        Assert.Equal(0, await MismatchesAsync());
        var partition = (await _replica.GetPartitionsPageAsync("sales", "orders", null, 1000, default)).Partitions.Single(p => (string?)p["Values"]![0] == Hour(7));
        Assert.StartsWith("s3://lake-us-west-2/sales/orders-compacted/", (string?)partition["StorageDescriptor"]!["Location"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deletes_propagate_only_when_enabled()
    {
        await SyncAsync();
        await _source.DeleteTableAsync("sales", "refunds", default);
        var gone = Enumerable.Range(0, 30).Select(h => new JsonArray(Hour(h))).ToList();
        foreach (var batch in gone.Chunk(GlueClient.MaxBatchDelete))
        {
            Assert.Empty(await _source.BatchDeletePartitionAsync("sales", "orders", batch, default));
        }

        var kept = await SyncAsync();

        Assert.Equal((0, 0), (kept.Tables.Deleted, kept.Partitions.Deleted));
        Assert.NotNull(await _replica.GetTableAsync("sales", "refunds", default));

        var deleted = await SyncAsync(deletes: true);

        Assert.Equal((1, 30), (deleted.Tables.Deleted, deleted.Partitions.Deleted));
        Assert.Null(await _replica.GetTableAsync("sales", "refunds", default));
        Assert.Equal(0, await MismatchesAsync());
    }

    [Fact]
    public async Task A_failing_partition_is_reported_by_name_and_the_rest_still_sync()
    {
        _replicaRegion.FailPartitionsWhere = (_, table, values) => table == "orders" && values[0] == Hour(42);

        var result = await SyncAsync();

        var failure = Assert.Single(result.Failures);
        Assert.Equal(("partition", $"sales.orders[{Hour(42)}]"), (failure.Kind, failure.Name));
        Assert.StartsWith("InternalServiceException", failure.Error, StringComparison.Ordinal);
        Assert.Equal(Hours - 1, result.Partitions.Created);
        Assert.Equal(1, await MismatchesAsync());
    }

    [Fact]
    public async Task A_sync_paused_before_every_page_resumes_where_it_stopped_and_ends_as_one_run_would()
    {
        await _source.CreateTableAsync("sales", Table("orders_by_minute", "bigint"), default);
        foreach (var batch in Enumerable.Range(0, 2500).Select(Partition).Chunk(GlueClient.MaxBatchWrite))
        {
            Assert.Empty(await _source.BatchCreatePartitionAsync("sales", "orders_by_minute", batch, default));
        }

        var totals = new CatalogSyncResult();
        var invocations = 0;
        CatalogContinuation? next = null;
        do
        {
            var pages = 0;
            var step = await new CatalogSync(_source, _replica).RunAsync(new CatalogSyncOptions(Replica, PropagateDeletes: true), next, () => pages++ >= 1, default);
            totals.Add(step.Result);
            next = step.Next;
            invocations++;
        }
        while (next is not null && invocations < 100);

        Assert.Null(next);
        Assert.Empty(totals.Failures);
        Assert.Equal((2, 4, Hours + 2500), (totals.Databases.Created, totals.Tables.Created, totals.Partitions.Created));
        Assert.Equal(0, totals.Partitions.Updated + totals.Partitions.Unchanged + totals.Partitions.Deleted);
        // One page per invocation: 1 + 3 + 0 source pages upserted, each table's delete phase its own.
        Assert.True(invocations >= 8, $"{invocations} invocations");
        Assert.Equal(0, await MismatchesAsync());
    }

    [Fact]
    public async Task A_no_op_sync_reads_two_calls_per_thousand_partitions_and_writes_none()
    {
        await SyncAsync();
        var (sourceReads, replicaReads) = (_source.Calls.Reads, _replica.Calls.Reads);

        await SyncAsync();

        // Databases and tables: GetDatabases, GetTables per database. Partitions: a GetPartitions page in
        // the source and a BatchGetPartition in the replica per thousand (and per table with none).
        Assert.Equal(1 + 2 + 3, _source.Calls.Reads - sourceReads);
        Assert.Equal(1 + 2 + 1, _replica.Calls.Reads - replicaReads);
    }

    [Fact]
    public async Task A_dry_run_plans_the_same_counts_and_writes_nothing()
    {
        var plan = await SyncAsync(dryRun: true);

        Assert.Equal((2, 3, Hours), (plan.Databases.Created, plan.Tables.Created, plan.Partitions.Created));
        Assert.Equal(0, _replica.Calls.Writes);
        Assert.Empty(await _replica.GetDatabasesAsync(default));
    }

    [Fact]
    public async Task Batch_writes_over_the_apis_limit_are_refused_before_they_are_sent()
    {
        var tooMany = Enumerable.Range(0, GlueClient.MaxBatchWrite + 1).Select(Partition).ToList();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _source.BatchCreatePartitionAsync("sales", "orders", tooMany, default));
    }

    private Task<CatalogSyncResult> SyncAsync(bool deletes = false, bool dryRun = false) =>
        new CatalogSync(_source, _replica).RunAsync(new CatalogSyncOptions(Replica, PropagateDeletes: deletes, DryRun: dryRun), default);

    private Task<int> MismatchesAsync() => CatalogComparison.MismatchesAsync(_source, _replica, Replica, ["sales", "audit"], default);

    private static JsonObject Table(string name, string idType) => new()
    {
        ["Name"] = name,
        ["TableType"] = "EXTERNAL_TABLE",
        ["Parameters"] = new JsonObject { ["classification"] = "json" },
        ["PartitionKeys"] = name.StartsWith("orders", StringComparison.Ordinal) ? new JsonArray(new JsonObject { ["Name"] = "hour", ["Type"] = "string" }) : new JsonArray(),
        ["StorageDescriptor"] = new JsonObject
        {
            ["Location"] = $"s3://lake-us-east-1/sales/{name}/",
            ["Columns"] = new JsonArray(new JsonObject { ["Name"] = "id", ["Type"] = idType }, new JsonObject { ["Name"] = "amount", ["Type"] = "double" }),
            ["InputFormat"] = "org.apache.hadoop.mapred.TextInputFormat",
            ["SerdeInfo"] = new JsonObject { ["SerializationLibrary"] = "org.openx.data.jsonserde.JsonSerDe" },
        },
    };

    private static JsonObject Partition(int hour) => Partition(hour, "s3://lake-us-east-1/sales/orders/");

    private static JsonObject Partition(int hour, string prefix) => new()
    {
        ["Values"] = new JsonArray(Hour(hour)),
        ["StorageDescriptor"] = new JsonObject { ["Location"] = $"{prefix}hour={Hour(hour)}/", ["Columns"] = new JsonArray() },
    };

    private static string Hour(int hour) => DateTimeOffset.Parse("2026-01-01T00:00:00Z", CultureInfo.InvariantCulture).AddHours(hour).ToString("yyyy-MM-dd-HH", CultureInfo.InvariantCulture);
}
