using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.StepFunctions;
using Replicator.Failover;
using Replicator.Lambda;
using Spectre.Console;

namespace Replicator.Cli.Failover;

/// <summary>
/// <c>replicator failover</c> and <c>failback</c>: start the deployed failover state machine, show each
/// state as it is entered, and print RTO and RPO (or the error and what it left) at the end.
/// </summary>
public static class FailoverCommand
{
    public static Command Create(bool failback)
    {
        var machine = new Option<string>("--state-machine-arn") { Description = "the failover state machine (template.yaml's FailoverStateMachine, in the region taking over)", Required = true };
        var input = new Option<string>("--input") { Description = "the execution input, shaped like events/failover.json (stream, regions, DNS record)", Required = true };
        var stream = new Option<string?>("--stream") { Description = "the stream, instead of the input's" };
        var to = new Option<string?>("--to") { Description = "the region to move to, instead of the input's (the other region swaps the input)" };
        var force = new Option<bool?>("--force") { Description = "after the drain timeout, go on without the source and report what is lost" };
        var drainTimeout = new Option<double?>("--drain-timeout") { Description = "seconds the drain may take" };
        var endpoint = new Option<Uri?>("--endpoint-url") { Description = "Step Functions endpoint (a local stand-in); default: AWS_ENDPOINT_URL_SFN, AWS_ENDPOINT_URL, else the ARN's region's" };
        var command = new Command(
            failback ? "failback" : "failover",
            failback
                ? "Move a stream back: the failover state machine with the input's regions swapped."
                : "Move a stream's replication and its producers to another region with the failover state machine.")
        {
            machine, input, stream, to, force, drainTimeout, endpoint,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var environment = EnvironmentSettings.OfThisProcess();
            var options = new FailoverOptions(
                parse.GetRequiredValue(machine),
                parse.GetRequiredValue(input),
                failback,
                parse.GetValue(stream),
                parse.GetValue(to),
                parse.GetValue(force),
                parse.GetValue(drainTimeout),
                ServiceEndpoints.Resolve(environment, AwsServiceId.StepFunctions, parse.GetValue(endpoint)));
            var credentials = AwsEnvironment.Credentials(environment);
            return await RunAsync(options, credentials, AnsiConsole.Console, TimeSpan.FromSeconds(1), cancellationToken);
        });
        return command;
    }

    /// <returns>0 when the execution succeeded, 1 when it failed, 2 when it could not start.</returns>
    public static async Task<int> RunAsync(FailoverOptions options, AWSCredentials credentials, IAnsiConsole console, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        FailoverInput input;
        StepFunctionsClient client;
        try
        {
            input = options.Input();
            client = new StepFunctionsClient(new AwsServiceOptions(StepFunctionsClient.RegionOf(options.StateMachineArn), credentials, AwsEnvironment.HttpClient)
            {
                EndpointOverride = options.EndpointUrl,
            });
        }
        catch (Exception e) when (e is FailoverInputException or ArgumentException or IOException)
        {
            console.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return 2;
        }

        console.MarkupLineInterpolated($"Moving [bold]{input.StreamName}[/] from {input.FromRegion} to [bold]{input.ToRegion}[/]{(input.Force ? " (forced)" : "")}");
        var started = await client.StartExecutionAsync(
            new StartExecutionRequest(options.StateMachineArn, JsonSerializer.Serialize(input, FailoverJsonContext.Default.FailoverInput), ExecutionName.For($"{input.StreamName}-to-{input.ToRegion}", DateTime.UtcNow)),
            cancellationToken);
        console.MarkupLineInterpolated($"Execution [grey]{started.ExecutionArn}[/]");

        long lastSeen = 0;
        DescribeExecutionResponse execution;
        do
        {
            await Task.Delay(pollInterval, cancellationToken);
            execution = await client.DescribeExecutionAsync(started.ExecutionArn, cancellationToken);
            lastSeen = await ShowNewStatesAsync(client, started.ExecutionArn, lastSeen, console, cancellationToken);
        }
        while (execution.Status == DescribeExecutionResponse.Running);

        return Report(execution, console);
    }

    /// <summary>
    /// Prints the states entered after event <paramref name="lastSeen"/> and returns the newest event id.
    /// History tokens are opaque and a finished listing has none, so each poll reads newest first and
    /// stops at the first event already shown.
    /// </summary>
    private static async Task<long> ShowNewStatesAsync(StepFunctionsClient client, string executionArn, long lastSeen, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var fresh = new List<HistoryEvent>();
        string? token = null;
        do
        {
            var page = await client.GetExecutionHistoryAsync(new GetExecutionHistoryRequest(executionArn, token, ReverseOrder: true), cancellationToken);
            var newer = page.Events.TakeWhile(e => e.Id > lastSeen).ToList();
            fresh.AddRange(newer);
            token = newer.Count == page.Events.Count ? page.NextToken : null;
        }
        while (token is not null);

        foreach (var entered in Enumerable.Reverse(fresh).Where(e => e.StateEnteredEventDetails is not null))
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds((long)(entered.Timestamp * 1000));
            console.MarkupLineInterpolated($"[grey]{at:HH:mm:ss.fff}[/] {entered.StateEnteredEventDetails!.Name}");
        }

        return fresh.Count == 0 ? lastSeen : fresh.Max(e => e.Id);
    }

    private static int Report(DescribeExecutionResponse execution, IAnsiConsole console)
    {
        if (execution.Status != DescribeExecutionResponse.Succeeded)
        {
            console.MarkupLineInterpolated($"[red]{execution.Status}[/]: {execution.Error}: {execution.Cause}");
            return 1;
        }

        var output = JsonNode.Parse(execution.Output ?? "{}")!;
        if ((string?)output["outcome"] == "already-active")
        {
            console.MarkupLineInterpolated($"{(string?)output["streamName"]} is already active in {(string?)output["targetRegion"]}: nothing to do, nothing written.");
            return 0;
        }

        var records = output["rpoRecords"] is { } r ? r.ToString() : "unknown (the source was never readable)";
        console.MarkupLineInterpolated($"[green]Failed over[/]: RTO [bold]{output["rtoSeconds"]} s[/], RPO [bold]{records} records[/], {output["rpoSeconds"]} s; replicated up to {output["recoveryPoint"]}");
        if ((bool?)output["producersMustResend"] == true)
        {
            console.MarkupLineInterpolated(
                $"[yellow]Producers must re-produce[/] into {(string?)output["targetRegion"]} every record committed after [bold]{(string?)output["resumeProducersFrom"]}[/] (resumeProducersFrom; docs/failover.md, \"Producers after a forced failover\").");
        }
        else
        {
            console.MarkupLine("No re-production needed: every record was replicated before the flip.");
        }

        foreach (var consumer in output["consumers"]?["translated"]?.AsArray() ?? [])
        {
            console.MarkupLineInterpolated(
                $"Consumer [bold]{(string?)consumer!["leaseTable"]}[/] moved: {consumer["targetShards"]} leases written in {(string?)output["targetRegion"]}, at most {consumer["duplicateBound"]?.ToString() ?? "an unknown number of"} records read again (docs/consumers.md).");
        }

        return 0;
    }
}
