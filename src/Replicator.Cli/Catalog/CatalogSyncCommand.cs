using System.CommandLine;
using System.Globalization;
using Amazon.Runtime;
using Replicator.Aws;
using Replicator.Aws.Glue;
using Replicator.Aws.Json;
using Replicator.Aws.LakeFormation;
using Replicator.Catalog;
using Replicator.Catalog.Grants;
using Replicator.Lambda;
using Spectre.Console;

namespace Replicator.Cli.Catalog;

/// <summary><c>replicator catalog-sync</c>: sync one region's Glue Data Catalog into another's now, or with <c>--dry-run</c> print the plan.</summary>
public static class CatalogSyncCommand
{
    public static Command Create()
    {
        var source = new Option<string>("--source-region") { Description = "the region whose catalog is the source", Required = true };
        var replica = new Option<string>("--replica-region") { Description = "the region whose catalog is brought in line", Required = true };
        var prefixMap = new Option<string?>("--prefix-map") { Description = "S3 prefixes to rewrite: source=replica,…" };
        var databases = new Option<string[]>("--database") { Description = "a database to sync (repeatable); default: all", AllowMultipleArgumentsPerToken = true };
        var deletes = new Option<bool>("--deletes") { Description = "delete replica tables and partitions the source no longer has" };
        var dryRun = new Option<bool>("--dry-run") { Description = "print the plan; write nothing" };
        var sourceEndpoint = new Option<Uri?>("--source-endpoint-url") { Description = "the source region's Glue endpoint (a local stand-in); default: AWS_ENDPOINT_URL_GLUE, AWS_ENDPOINT_URL, else the region's" };
        var replicaEndpoint = new Option<Uri?>("--replica-endpoint-url") { Description = "the replica region's Glue endpoint (a local stand-in); default: AWS_ENDPOINT_URL_GLUE, AWS_ENDPOINT_URL, else the region's" };
        var grantsAs = new Option<string?>("--lake-formation-grants-as")
        {
            Description = "also copy Lake Formation DESCRIBE and SELECT grants and data cells filters, as this role (yours: the sync checks its permissions before trusting a listing)",
        };
        var sourceLakeFormation = new Option<Uri?>("--source-lake-formation-endpoint-url") { Description = "the source region's Lake Formation endpoint (a local stand-in)" };
        var replicaLakeFormation = new Option<Uri?>("--replica-lake-formation-endpoint-url") { Description = "the replica region's Lake Formation endpoint (a local stand-in)" };
        var command = new Command("catalog-sync", "Bring a replica region's Glue Data Catalog in line with the source's, writing only the difference, or print the plan.")
        {
            source, replica, prefixMap, databases, deletes, dryRun, sourceEndpoint, replicaEndpoint, grantsAs, sourceLakeFormation, replicaLakeFormation,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var environment = EnvironmentSettings.OfThisProcess();
            var options = new CatalogSyncCommandOptions(
                parse.GetRequiredValue(source),
                parse.GetRequiredValue(replica),
                parse.GetValue(prefixMap),
                parse.GetValue(databases) is { Length: > 0 } named ? named : null,
                parse.GetValue(deletes),
                parse.GetValue(dryRun),
                ServiceEndpoints.Resolve(environment, AwsServiceId.Glue, parse.GetValue(sourceEndpoint)),
                ServiceEndpoints.Resolve(environment, AwsServiceId.Glue, parse.GetValue(replicaEndpoint)),
                parse.GetValue(grantsAs),
                ServiceEndpoints.Resolve(environment, AwsServiceId.LakeFormation, parse.GetValue(sourceLakeFormation)),
                ServiceEndpoints.Resolve(environment, AwsServiceId.LakeFormation, parse.GetValue(replicaLakeFormation)));
            return await RunAsync(options, AwsEnvironment.Credentials(environment), AnsiConsole.Console, cancellationToken);
        });
        return command;
    }

    /// <returns>0 when everything synced (or would), 1 when something failed, 2 when the options are wrong.</returns>
    public static async Task<int> RunAsync(CatalogSyncCommandOptions options, AWSCredentials credentials, IAnsiConsole console, CancellationToken cancellationToken)
    {
        LocationRewriter locations;
        try
        {
            locations = LocationRewriter.Parse(options.PrefixMap);
        }
        catch (FormatException e)
        {
            console.MarkupLineInterpolated($"[red]--prefix-map: {e.Message}[/]");
            return 2;
        }

        GlueClient Glue(string region, Uri? endpoint) => new(new AwsServiceOptions(region, credentials, AwsEnvironment.HttpClient) { EndpointOverride = endpoint });
        LakeFormationClient LakeFormation(string region, Uri? endpoint) => new(new AwsServiceOptions(region, credentials, AwsEnvironment.HttpClient) { EndpointOverride = endpoint });
        var grants = options.GrantsAs is { } principal
            ? new LakeFormationGrantSync(
                LakeFormation(options.SourceRegion, options.SourceLakeFormationEndpoint),
                LakeFormation(options.ReplicaRegion, options.ReplicaLakeFormationEndpoint),
                new GrantScope(options.SourceRegion, options.ReplicaRegion, principal))
            : null;
        var sync = new CatalogSync(Glue(options.SourceRegion, options.SourceEndpoint), Glue(options.ReplicaRegion, options.ReplicaEndpoint), grants);
        var result = await sync.RunAsync(new CatalogSyncOptions(locations, options.Databases, options.Deletes, options.DryRun), cancellationToken);

        console.MarkupLineInterpolated($"[bold]{(options.DryRun ? "Plan (dry run: nothing written)" : "Synced")}[/] {options.SourceRegion} → {options.ReplicaRegion}");
        var table = new Table().AddColumns("kind", options.DryRun ? "to create" : "created", options.DryRun ? "to update" : "updated", options.DryRun ? "to delete" : "deleted", "unchanged");
        foreach (var (kind, counts) in new[] { ("databases", result.Databases), ("tables", result.Tables), ("partitions", result.Partitions) })
        {
            table.AddRow(kind, N(counts.Created), N(counts.Updated), N(options.Deletes ? counts.Deleted : 0), N(counts.Unchanged));
        }

        if (grants is not null)
        {
            // Grants (and filters) the source no longer has are removed whatever --deletes says: a reader dropped there must not keep reading here.
            table.AddRow("grants", N(result.Grants.Created), N(result.Grants.Updated), N(result.Grants.Deleted), N(result.Grants.Unchanged));
            table.AddRow("data cells filters", N(result.Filters.Created), N(result.Filters.Updated), N(result.Filters.Deleted), N(result.Filters.Unchanged));
        }

        console.Write(table);
        foreach (var failure in result.Failures)
        {
            console.MarkupLineInterpolated($"[red]{failure.Kind} {failure.Name}[/]: {failure.Error}");
        }

        return result.FailureCount == 0 ? 0 : 1;
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

public sealed record CatalogSyncCommandOptions(
    string SourceRegion,
    string ReplicaRegion,
    string? PrefixMap,
    IReadOnlyList<string>? Databases,
    bool Deletes,
    bool DryRun,
    Uri? SourceEndpoint,
    Uri? ReplicaEndpoint,
    string? GrantsAs = null,
    Uri? SourceLakeFormationEndpoint = null,
    Uri? ReplicaLakeFormationEndpoint = null);
