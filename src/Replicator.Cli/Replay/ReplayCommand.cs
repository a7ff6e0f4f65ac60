using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.StepFunctions;
using Replicator.Lambda;
using Replicator.Replay;
using Spectre.Console;

namespace Replicator.Cli.Replay;

/// <summary>
/// <c>replicator replay</c>: start the deployed replay state machine for a time range of a stream's
/// archive, show a progress bar from the replay-progress table while it runs, and print the report.
/// </summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var machine = new Option<string>("--state-machine-arn") { Description = "the replay state machine (template.yaml's ReplayStateMachine, in the region holding the archive)", Required = true };
        var input = new Option<string?>("--input") { Description = "an execution input shaped like events/replay.json; the options below override it" };
        var stream = new Option<string?>("--stream") { Description = "the archived stream" };
        var from = new Option<DateTimeOffset?>("--from") { Description = "start of the range (event time, inclusive), e.g. 2026-11-20T02:00:00Z" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "end of the range (exclusive)" };
        var targetStream = new Option<string?>("--target-stream") { Description = "the stream to replay into; default: the archived stream" };
        var targetRegion = new Option<string?>("--target-region") { Description = "the target stream's region; default: the state machine's" };
        var lanes = new Option<int?>("--lanes") { Description = $"parallel lanes, split by partition-key hash (1 to {Replicator.Replay.ReplayRequest.MaxLanes})" };
        var rate = new Option<double?>("--rate") { Description = "records per second at most, over all lanes" };
        var byteRate = new Option<double?>("--byte-rate") { Description = "bytes per second at most, over all lanes" };
        var replayId = new Option<string?>("--replay-id") { Description = "resume this replay; default: an id made from the stream, range, target and lanes, so the same command resumes" };
        var tenant = new Option<string?>("--tenant") { Description = "replay only this tenant's records (an archive deployed with ArchiveTenantField)" };
        var table = new Option<string>("--progress-table") { Description = "the replay-progress table", DefaultValueFactory = _ => "kdsReplayProgress" };
        var endpoint = new Option<Uri?>("--endpoint-url") { Description = "Step Functions endpoint (a local stand-in); default: AWS_ENDPOINT_URL_SFN, AWS_ENDPOINT_URL, else the ARN's region's" };
        var dynamoDbEndpoint = new Option<Uri?>("--dynamodb-endpoint") { Description = "DynamoDB endpoint (the local cloud's); default: AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL, else the ARN's region's" };
        var command = new Command("replay", "Replay a time range of a stream's S3 archive into a stream, in per-key order, with a progress bar; the same command resumes a stopped replay.")
        {
            machine, input, stream, from, to, targetStream, targetRegion, lanes, rate, byteRate, replayId, tenant, table, endpoint, dynamoDbEndpoint, RestoreCommand.Create(),
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var environment = EnvironmentSettings.OfThisProcess();
            var options = new ReplayOptions(
                parse.GetRequiredValue(machine),
                parse.GetValue(input),
                parse.GetValue(stream),
                parse.GetValue(from),
                parse.GetValue(to),
                parse.GetValue(targetStream),
                parse.GetValue(targetRegion),
                parse.GetValue(lanes),
                parse.GetValue(rate),
                parse.GetValue(byteRate),
                parse.GetValue(replayId),
                parse.GetRequiredValue(table),
                ServiceEndpoints.Resolve(environment, AwsServiceId.StepFunctions, parse.GetValue(endpoint)),
                ServiceEndpoints.Resolve(environment, AwsServiceId.DynamoDb, parse.GetValue(dynamoDbEndpoint)))
            {
                Tenant = parse.GetValue(tenant),
            };
            return await RunAsync(options, AwsEnvironment.Credentials(environment), AnsiConsole.Console, TimeSpan.FromSeconds(1), cancellationToken);
        });
        return command;
    }

    /// <returns>0 when the replay completed, 1 when the execution failed, 2 when it could not start.</returns>
    public static async Task<int> RunAsync(ReplayOptions options, AWSCredentials credentials, IAnsiConsole console, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        ReplayRequest request;
        ReplayPlan plan;
        string region;
        try
        {
            region = StepFunctionsClient.RegionOf(options.StateMachineArn);
            request = options.Request();
            // The plan function checks again; this catches a wrong field before anything starts, and gives the replay id to watch.
            plan = request.Plan(region, "cli", request.Range() ?? throw new ReplayOptionsException("atRisk is the alarm trigger's input; give --from and --to."), 0, 0, 0);
        }
        catch (Exception e) when (e is ReplayOptionsException or InvalidFunctionInputException or ArgumentException or IOException)
        {
            console.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return 2;
        }

        var stepFunctions = new StepFunctionsClient(new AwsServiceOptions(region, credentials, AwsEnvironment.HttpClient) { EndpointOverride = options.EndpointUrl });
        using var dynamoDb = DynamoDbClients.Create(region, credentials, options.DynamoDbEndpoint);
        var progress = new ReplayProgressStore(dynamoDb, options.ProgressTable);
        console.MarkupLineInterpolated(
            $"Replaying [bold]{plan.Stream}[/] {plan.From:u} – {plan.To:u} into [bold]{plan.TargetRegion}/{plan.TargetStream}[/] in {plan.Lanes} lanes{Limits(plan)}; replay id [grey]{plan.ReplayId}[/]");
        var started = await stepFunctions.StartExecutionAsync(
            new StartExecutionRequest(options.StateMachineArn, JsonSerializer.Serialize(request, ReplayJsonContext.Default.ReplayRequest), $"replay-{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..48]),
            cancellationToken);
        console.MarkupLineInterpolated($"Execution [grey]{started.ExecutionArn}[/]");

        var hours = plan.Range.Hours().ToList();
        DescribeExecutionResponse execution = null!;
        await console.Progress().AutoClear(false).StartAsync(async context =>
        {
            var bar = context.AddTask("replayed", maxValue: hours.Count * plan.Lanes);
            do
            {
                await Task.Delay(pollInterval, cancellationToken);
                var lanes = await progress.ReadAllAsync(plan.ReplayId, plan.Lanes, cancellationToken);
                bar.Value = lanes.Sum(lane => lane.Done ? hours.Count : Math.Max(0, hours.IndexOf(lane.Cursor.Hour)));
                bar.Description = $"{lanes.Sum(l => l.Sent).ToString("N0", CultureInfo.InvariantCulture)} records";
                execution = await stepFunctions.DescribeExecutionAsync(started.ExecutionArn, cancellationToken);
            }
            while (execution.Status == DescribeExecutionResponse.Running);
        });

        if (execution.Status != DescribeExecutionResponse.Succeeded)
        {
            console.MarkupLineInterpolated($"[red]{execution.Status}[/]: {execution.Error}: {execution.Cause}");
            console.MarkupLine("What was replayed is checkpointed: run the same command again to resume.");
            return 1;
        }

        var report = JsonSerializer.Deserialize(execution.Output ?? "null", ReplayJsonContext.Default.ReplayReport)!;
        var summary = new Table().AddColumns("lane", "records replayed");
        foreach (var (sent, lane) in report.ReplayedPerLane.Select((sent, lane) => (sent, lane)))
        {
            summary.AddRow(lane.ToString(CultureInfo.InvariantCulture), sent.ToString("N0", CultureInfo.InvariantCulture));
        }

        console.Write(summary);
        console.MarkupLineInterpolated(
            $"[green]Replayed {report.Replayed.ToString("N0", CultureInfo.InvariantCulture)} records[/] from {report.Plan.Objects} archived objects; at most {report.MaxDuplicates} of them twice (from resumed runs).");
        return 0;
    }

    private static string Limits(ReplayPlan plan) =>
        (plan.RecordsPerSecond, plan.BytesPerSecond) switch
        {
            (null, null) => "",
            var (records, bytes) => $" at most {records?.ToString(CultureInfo.InvariantCulture) ?? "∞"} records/s, {bytes?.ToString(CultureInfo.InvariantCulture) ?? "∞"} bytes/s",
        };
}
