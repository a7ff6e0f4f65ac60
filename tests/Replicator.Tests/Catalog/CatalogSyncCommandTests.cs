using System.Text.Json.Nodes;
using Amazon.Runtime;
using Replicator.Aws.LakeFormation;
using Replicator.Cli.Catalog;
using Replicator.LocalCloud.Catalog;
using Replicator.LocalCloud.StandIns;
using Spectre.Console;

namespace Replicator.Tests.Catalog;

/// <summary><c>replicator catalog-sync</c> against two Glue stand-ins.</summary>
public sealed class CatalogSyncCommandTests : IAsyncLifetime
{
    private readonly GlueStandIn _source = new();
    private readonly GlueStandIn _replica = new();
    private readonly StringWriter _output = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _replica.DisposeAsync();
    }

    [Fact]
    public async Task A_dry_run_prints_the_plan_and_writes_nothing_then_a_real_run_writes_it()
    {
        var glue = _source.CreateClient("us-east-1");
        await glue.CreateDatabaseAsync(new JsonObject { ["Name"] = "sales" }, default);
        await glue.CreateTableAsync("sales", new JsonObject { ["Name"] = "orders", ["StorageDescriptor"] = new JsonObject { ["Location"] = "s3://lake-us-east-1/orders/" } }, default);

        var plan = await RunAsync(dryRun: true, prefixMap: "s3://lake-us-east-1/=s3://lake-us-west-2/");

        Assert.Equal(0, plan);
        Assert.Contains("Plan (dry run: nothing written)", _output.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"tables\s*│\s*1\s*│\s*0", _output.ToString());
        var replica = _replica.CreateClient("us-west-2");
        Assert.Empty(await replica.GetDatabasesAsync(default));
        Assert.Equal(0, await RunAsync(dryRun: false, prefixMap: "s3://lake-us-east-1/=s3://lake-us-west-2/"));
        Assert.Contains("Synced us-east-1 → us-west-2", _output.ToString(), StringComparison.Ordinal);
        Assert.Equal("s3://lake-us-west-2/orders/", (string?)(await replica.GetTableAsync("sales", "orders", default))!["StorageDescriptor"]!["Location"]);
    }

    [Fact]
    public async Task With_lake_formation_grants_as_a_role_the_plan_and_the_run_include_the_grants()
    {
        const string Operator = "arn:aws:iam::000000000000:role/catalog-operator";
        const string Reader = "arn:aws:iam::000000000000:role/reader";
        var glue = _source.CreateClient("us-east-1");
        await glue.CreateDatabaseAsync(new JsonObject { ["Name"] = "sales" }, default);
        await _replica.CreateClient("us-west-2").CreateDatabaseAsync(new JsonObject { ["Name"] = "sales" }, default);
        var allTables = LakeFormationResources.AllTables("sales");
        await using var sourceGrants = new LakeFormationStandIn(_source) { Callers = { ["LOCAL"] = Operator } };
        await using var replicaGrants = new LakeFormationStandIn(_replica) { Callers = { ["LOCAL"] = Operator } };
        SyncRoleGrants.Apply(sourceGrants, replicaGrants, Operator, "sales");

        sourceGrants.Grant(Reader, allTables, ["SELECT"]);
        var options = new CatalogSyncCommandOptions("us-east-1", "us-west-2", null, null, Deletes: false, DryRun: true, _source.Endpoint, _replica.Endpoint, Operator, sourceGrants.Endpoint, replicaGrants.Endpoint);

        Assert.Equal(0, await RunAsync(options));
        // The operator's own grants (its grant options differ between the regions) are not the sync's to copy.
        Assert.Matches(@"grants\s*│\s*1\s*│\s*0\s*│\s*0\s*│\s*0", _output.ToString());
        Assert.DoesNotContain(replicaGrants.Snapshot(), line => line.Contains(Reader, StringComparison.Ordinal));
        Assert.Equal(0, await RunAsync(options with { DryRun = false }));
        Assert.Contains($"sales.* {Reader} SELECT", replicaGrants.Snapshot());
    }

    [Fact]
    public async Task A_malformed_prefix_map_is_named_and_nothing_runs()
    {
        var exitCode = await RunAsync(dryRun: false, prefixMap: "s3://a/");

        Assert.Equal(2, exitCode);
        Assert.Contains("--prefix-map: 's3://a/' is not source-prefix=replica-prefix.", _output.ToString(), StringComparison.Ordinal);
    }

    private Task<int> RunAsync(bool dryRun, string prefixMap) =>
        RunAsync(new CatalogSyncCommandOptions("us-east-1", "us-west-2", prefixMap, null, Deletes: false, dryRun, _source.Endpoint, _replica.Endpoint));

    private Task<int> RunAsync(CatalogSyncCommandOptions options)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        return CatalogSyncCommand.RunAsync(options, new BasicAWSCredentials("LOCAL", "LOCAL"), console, CancellationToken.None);
    }
}
