using System.Text.Json.Nodes;
using Replicator.Archive;

namespace Replicator.Tests.Templates;

/// <summary>
/// Issue 19: with the tenant count known at deploy, the archive's bucket count is chosen so that its
/// prefixes fit the delivery stream's active-partition quota, and a tenant list that cannot fit fails
/// the deploy (an Fn::Select index out of bounds, which the Fn::Select reference says "will result in a
/// stack error").
/// </summary>
public sealed class TenantPartitionTests
{
    [Fact]
    public void Buckets_per_tenant_count_are_the_most_that_fit_the_quota()
    {
        Assert.Equal(16, ArchiveBuckets.ForTenants(0));
        Assert.Equal(16, ArchiveBuckets.ForTenants(13));
        Assert.Equal(8, ArchiveBuckets.ForTenants(14));
        Assert.Equal(1, ArchiveBuckets.ForTenants(248));
        Assert.Null(ArchiveBuckets.ForTenants(249));
        for (var tenants = 0; tenants <= 248; tenants++)
        {
            var buckets = ArchiveBuckets.ForTenants(tenants)!.Value;
            var partitions = ArchiveBuckets.ConcurrentHours * (tenants + ArchiveBuckets.UnlistedTenantPrefixes) * buckets;
            Assert.True(partitions <= ArchiveBuckets.DefaultActivePartitionQuota, $"{tenants} tenants with {buckets} buckets make {partitions} partitions");
            Assert.True(buckets == ArchiveBuckets.Count || 2 * partitions > ArchiveBuckets.DefaultActivePartitionQuota, $"{tenants} tenants would fit {buckets * 2} buckets");
        }
    }

    /// <summary>The template's table, entry by entry: its index is the tenant count (Fn::Length of Tenants).</summary>
    [Fact]
    public void The_templates_bucket_table_holds_the_count_for_every_tenant_count_that_fits()
    {
        var choice = TransformBuckets(CloudFormationTemplate.Load("template.yaml", TemplateTests.TwoTargets))["Fn::If"]!.AsArray();
        var select = choice[1]!["Fn::Select"]!.AsArray();
        Assert.Equal("""{"Fn::Length":{"Ref":"Tenants"}}""", select[0]!.ToJsonString());
        var table = select[1]!["Fn::Split"]![1]!.ToString().Split(',').Select(int.Parse).ToList();
        Assert.Equal(249, table.Count);
        Assert.All(Enumerable.Range(1, 248), tenants => Assert.Equal(ArchiveBuckets.ForTenants(tenants), table[tenants]));
        Assert.Equal((JsonNode)"16", choice[2]!, JsonNode.DeepEquals);
    }

    [Theory]
    [InlineData(0, "16")]
    [InlineData(3, "16")]
    [InlineData(40, "4")]
    [InlineData(200, "1")]
    public void A_deploy_gives_the_transformation_its_tenants_and_bucket_count(int tenants, string buckets)
    {
        var variables = Deploy(tenants);

        Assert.Equal(buckets, variables["ARCHIVE_BUCKETS"]!.ToString());
        Assert.Equal(string.Join(',', Ids(tenants)), variables["ARCHIVE_TENANTS"]!.ToString());
    }

    [Fact]
    public void A_deploy_of_more_tenants_than_one_bucket_fits_fails()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Deploy(249));

        Assert.Contains("Fn::Select index 249 is out of range", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Athena finds the objects of every bucket count the transformation may write.</summary>
    [Fact]
    public void The_archive_tables_projection_lists_every_bucket_of_every_count()
    {
        var parameters = TemplateTests.TwoTargets;
        var table = DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", parameters), parameters).Resources["ArchiveTable"]!["Properties"]!["TableInput"]!["Parameters"]!;
        var projected = table["projection.bucket.values"]!.ToString().Split(',');

        Assert.Equal("enum", table["projection.bucket.type"]!.ToString());
        Assert.Equal(ArchiveBuckets.Counts.SelectMany(count => Enumerable.Range(0, count).Select(b => ArchiveBuckets.Name(b, count))).Order(StringComparer.Ordinal), projected.Order(StringComparer.Ordinal));
    }

    private static JsonObject Deploy(int tenants)
    {
        var parameters = new Dictionary<string, string>(TemplateTests.TwoTargets) { ["ArchiveTenantField"] = "tenant", ["Tenants"] = string.Join(',', Ids(tenants)) };
        var deployed = DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", parameters), parameters);
        var stack = new ConcreteTemplate(deployed, "us-east-1", parameters);
        return stack.Resolve(deployed.Resources["ArchiveTransformFunction"]!["Properties"]!["Environment"]!["Variables"])!.AsObject();
    }

    private static IEnumerable<string> Ids(int tenants) => Enumerable.Range(0, tenants).Select(i => $"t{i}");

    private static JsonNode TransformBuckets(CloudFormationTemplate template) =>
        template.Resources["ArchiveTransformFunction"]!["Properties"]!["Environment"]!["Variables"]!["ARCHIVE_BUCKETS"]!;
}
