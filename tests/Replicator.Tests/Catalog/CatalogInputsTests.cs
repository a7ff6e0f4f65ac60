using System.Text.Json.Nodes;
using Replicator.Catalog;

namespace Replicator.Tests.Catalog;

public sealed class CatalogInputsTests
{
    private static readonly LocationRewriter Replica = LocationRewriter.Parse("s3://lake-us-east-1/=s3://lake-us-west-2/,s3://lake-us-east-1/raw/=s3://raw-us-west-2/");

    [Theory]
    [InlineData("s3://lake-us-east-1/orders/", "s3://lake-us-west-2/orders/")]
    [InlineData("s3://lake-us-east-1/raw/orders/", "s3://raw-us-west-2/orders/")]
    [InlineData("s3://shared-bucket/orders/", "s3://shared-bucket/orders/")]
    public void Rewrite_takes_the_longest_matching_prefix_and_keeps_unmatched_locations(string location, string expected) =>
        Assert.Equal(expected, Replica.Rewrite(location));

    [Fact]
    public void A_prefix_map_entry_that_is_not_from_equals_to_is_named()
    {
        var error = Assert.Throws<FormatException>(() => LocationRewriter.Parse("s3://a/=s3://b/,s3://c/"));

        Assert.Contains("'s3://c/'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_input_drops_read_only_fields_and_rewrites_every_location()
    {
        var table = JsonNode.Parse("""
            {"Name":"orders","DatabaseName":"sales","CatalogId":"000000000000","CreateTime":1.5,"UpdateTime":2.5,"VersionId":"3",
             "IsRegisteredWithLakeFormation":false,"LastAccessTime":9.0,"TableType":"EXTERNAL_TABLE",
             "StorageDescriptor":{"Location":"s3://lake-us-east-1/orders/","Columns":[{"Name":"id","Type":"bigint"}]},
             "PartitionKeys":[{"Name":"dt","Type":"string"}],
             "Parameters":{"classification":"json","storage.location.template":"s3://lake-us-east-1/orders/${dt}/"}}
            """)!.AsObject();

        var input = CatalogInputs.Table(table, Replica);

        Assert.Equal(["Name", "Parameters", "PartitionKeys", "StorageDescriptor", "TableType"], input.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("s3://lake-us-west-2/orders/", (string?)input["StorageDescriptor"]!["Location"]);
        Assert.Equal("s3://lake-us-west-2/orders/${dt}/", (string?)input["Parameters"]!["storage.location.template"]);
        Assert.Equal("json", (string?)input["Parameters"]!["classification"]);
        Assert.Equal("s3://lake-us-east-1/orders/", (string?)table["StorageDescriptor"]!["Location"]);
    }

    [Fact]
    public void Diff_finds_new_changed_and_removed_and_leaves_equal_alone()
    {
        var source = new[] { Partition("1", "s3://x/1"), Partition("2", "s3://x/2-moved"), Partition("4", "s3://x/4") };
        var replica = new[] { Partition("1", "s3://x/1"), Partition("2", "s3://x/2"), Partition("3", "s3://x/3") };

        var diff = CatalogDiff.Between(source, replica, CatalogInputs.PartitionKey);

        Assert.Equal(["[\"4\"]"], diff.Create.Select(CatalogInputs.PartitionKey));
        Assert.Equal(["[\"2\"]"], diff.Update.Select(CatalogInputs.PartitionKey));
        Assert.Equal(["[\"3\"]"], diff.Delete.Select(CatalogInputs.PartitionKey));
        Assert.Equal(1, diff.Unchanged);
    }

    [Fact]
    public void A_changed_column_is_a_changed_table()
    {
        var before = JsonNode.Parse("""{"Name":"t","StorageDescriptor":{"Columns":[{"Name":"id","Type":"int"}]}}""")!.AsObject();
        var after = JsonNode.Parse("""{"Name":"t","StorageDescriptor":{"Columns":[{"Name":"id","Type":"bigint"}]}}""")!.AsObject();

        var diff = CatalogDiff.Between([after], [before], CatalogDiff.NameOf);

        Assert.Single(diff.Update);
        Assert.Equal(0, diff.Unchanged);
    }

    private static JsonObject Partition(string value, string location) =>
        new() { ["Values"] = new JsonArray(value), ["StorageDescriptor"] = new JsonObject { ["Location"] = location } };
}
