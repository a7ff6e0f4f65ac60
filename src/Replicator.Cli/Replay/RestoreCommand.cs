using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.S3;
using Replicator.Lambda;
using Replicator.Replay;
using Spectre.Console;

namespace Replicator.Cli.Replay;

/// <summary>
/// <c>replicator replay restore</c>: asks S3 to restore every object a replay of the range reads that the
/// archive's lifecycle moved to GLACIER or DEEP_ARCHIVE, and says how many are still restoring. Run it
/// again until it says the range is ready, then start the replay.
/// </summary>
public static class RestoreCommand
{
    public static Command Create()
    {
        var bucket = new Option<string>("--bucket") { Description = "the archive bucket (stack output ArchiveBucketName)", Required = true };
        var stream = new Option<string>("--stream") { Description = "the archived stream", Required = true };
        var from = new Option<DateTimeOffset>("--from") { Description = "start of the range (event time, inclusive), as given to the replay", Required = true };
        var to = new Option<DateTimeOffset>("--to") { Description = "end of the range (exclusive)", Required = true };
        var tier = new Option<string>("--tier") { Description = "Standard (3-5 h from GLACIER, 12 h from DEEP_ARCHIVE), Bulk (cheapest: 5-12 h, 48 h) or Expedited (GLACIER only: minutes)", DefaultValueFactory = _ => "Standard" };
        tier.AcceptOnlyFromAmong("Standard", "Bulk", "Expedited");
        var days = new Option<int>("--days") { Description = "days S3 keeps each restored copy: long enough for the replay to read it", DefaultValueFactory = _ => 7 };
        var tenant = new Option<string?>("--tenant") { Description = "restore only this tenant's objects, as a replay with --tenant reads them" };
        var region = new Option<string?>("--region") { Description = "the bucket's region; default: AWS_REGION" };
        var endpoint = new Option<Uri?>("--endpoint-url") { Description = "S3 endpoint (the local cloud's); default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, else the region's" };
        var command = new Command("restore", "Restore the archived (GLACIER, DEEP_ARCHIVE) objects a replay of the range reads; run again to see whether they are ready.")
        {
            bucket, stream, from, to, tier, days, tenant, region, endpoint,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var environment = EnvironmentSettings.OfThisProcess();
            var regionName = parse.GetValue(region) ?? (environment.TryGetValue("AWS_REGION", out var fromEnvironment) ? fromEnvironment : null);
            if (regionName is null)
            {
                AnsiConsole.MarkupLine("[red]--region is required (or AWS_REGION).[/]");
                return 2;
            }

            var s3 = new S3Reader(new AwsServiceOptions(regionName, AwsEnvironment.Credentials(environment), AwsEnvironment.HttpClient)
            {
                EndpointOverride = ServiceEndpoints.Resolve(environment, AwsServiceId.S3, parse.GetValue(endpoint)),
            });
            return await RunAsync(
                new ArchiveRestore(s3, parse.GetRequiredValue(bucket)),
                new ReplayRange(parse.GetRequiredValue(stream), parse.GetRequiredValue(from), parse.GetRequiredValue(to), parse.GetValue(tenant)),
                parse.GetRequiredValue(days),
                parse.GetRequiredValue(tier),
                AnsiConsole.Console,
                cancellationToken);
        });
        return command;
    }

    /// <returns>0 when every object the range reads is readable; 1 while restores are under way; 2 when the range or days are wrong.</returns>
    public static async Task<int> RunAsync(ArchiveRestore restore, ReplayRange range, int days, string tier, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (range.From >= range.To || days < 1)
        {
            console.MarkupLineInterpolated($"[red]{(days < 1 ? $"--days is {days}; S3 keeps a restored copy at least 1 day" : $"--from ({range.From:O}) is not before --to ({range.To:O})")}.[/]");
            return 2;
        }

        RestoreReport report;
        try
        {
            report = await restore.RestoreAsync(range, days, tier, cancellationToken);
        }
        catch (ArgumentException e)
        {
            console.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return 2;
        }
        catch (AwsServiceException e)
        {
            console.MarkupLineInterpolated($"[red]S3 refused: {e.ErrorCode}: {e.Message}[/]");
            return 2;
        }

        console.MarkupLineInterpolated(
            $"{report.Objects} objects in the range; {report.Archived} archived, {report.Restored} of them restored; {report.Requested} restores started now ({tier}, kept {days} days), {report.InProgress} under way before.");
        console.MarkupLine(report.Ready ? "[green]Ready: start the replay.[/]" : "Not ready: run this again later; the replay plan refuses the range until every object is restored.");
        console.WriteLine(new JsonObject
        {
            ["objects"] = report.Objects,
            ["archived"] = report.Archived,
            ["restored"] = report.Restored,
            ["restores_started"] = report.Requested,
            ["restores_under_way"] = report.InProgress,
        }.ToJsonString());
        return report.Ready ? 0 : 1;
    }
}
