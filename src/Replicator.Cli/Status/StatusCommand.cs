using System.CommandLine;
using Amazon.Runtime;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;
using Replicator.Monitoring;
using Replicator.Relay;
using Spectre.Console;

namespace Replicator.Cli.Status;

/// <summary>
/// <c>replicator status</c>: per stream and target, the active region, each shard's checkpoint, how far
/// behind it is, and how the target's stream differs from the source's.
/// </summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var streams = new Option<string[]>("--stream") { Description = "stream to report on (repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        var region = new Option<string>("--region") { Description = "the stream's source region", Required = true };
        var targets = new Option<string[]>("--target") { Description = "target region (repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        var configTable = new Option<string>("--config-table") { DefaultValueFactory = _ => "kdsActiveRegionConfig" };
        var checkpointTable = new Option<string>("--checkpoint-table") { DefaultValueFactory = _ => "kdsReplicationCheckpoint" };
        var kinesisEndpoint = new Option<Uri?>("--kinesis-endpoint") { Description = "source Kinesis endpoint (the local cloud's); default: AWS_ENDPOINT_URL_KINESIS, AWS_ENDPOINT_URL, else the region's" };
        var targetKinesisEndpoints = new Option<string[]>("--target-kinesis-endpoint")
        {
            Description = "a target's Kinesis endpoint as region=url (repeatable), for comparing its stream with the source's; default: as --kinesis-endpoint",
            AllowMultipleArgumentsPerToken = true,
        };
        var dynamoDbEndpoint = new Option<Uri?>("--dynamodb-endpoint") { Description = "DynamoDB endpoint (the local cloud's); default: AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL, else the region's" };
        var command = new Command("status", "Show the active region, per-shard checkpoints, and records and seconds behind, per stream and target.")
        {
            streams, region, targets, configTable, checkpointTable, kinesisEndpoint, targetKinesisEndpoints, dynamoDbEndpoint,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var environment = EnvironmentSettings.OfThisProcess();
            var options = new StatusOptions(
                parse.GetRequiredValue(streams),
                parse.GetRequiredValue(region),
                parse.GetRequiredValue(targets),
                parse.GetRequiredValue(configTable),
                parse.GetRequiredValue(checkpointTable),
                ServiceEndpoints.Resolve(environment, AwsServiceId.Kinesis, parse.GetValue(kinesisEndpoint)),
                ServiceEndpoints.Resolve(environment, AwsServiceId.DynamoDb, parse.GetValue(dynamoDbEndpoint)),
                EnvironmentSettings.EndpointMap(
                    new Dictionary<string, string> { [targetKinesisEndpoints.Name] = string.Join(',', parse.GetValue(targetKinesisEndpoints) ?? []) }, targetKinesisEndpoints.Name));
            var credentials = AwsEnvironment.Credentials(environment);
            return await RunAsync(options, credentials, AnsiConsole.Console, cancellationToken);
        });
        return command;
    }

    /// <returns>0 when every stream was measured; 1 when a stream's config is missing.</returns>
    public static async Task<int> RunAsync(StatusOptions options, AWSCredentials credentials, IAnsiConsole console, CancellationToken cancellationToken)
    {
        using var dynamoDb = DynamoDbClients.Create(options.Region, credentials, options.DynamoDbEndpoint);
        var kinesis = new KinesisClient(new AwsServiceOptions(options.Region, credentials, AwsEnvironment.HttpClient) { EndpointOverride = options.KinesisEndpoint });
        var targetKinesis = KinesisClient.PerRegion(new RegionalEndpoints(options.TargetKinesisEndpoints ?? new Dictionary<string, Uri>(), options.KinesisEndpoint), credentials);
        var gate = new ActiveRegionGate(dynamoDb, options.ConfigTable, options.Region, TimeSpan.Zero, TimeProvider.System);
        var meter = new LagMeter(kinesis, options.Region, new CheckpointStore(dynamoDb, options.CheckpointTable, TimeProvider.System), TimeProvider.System);
        var exitCode = 0;
        foreach (var stream in options.Streams)
        {
            GateDecision decision;
            try
            {
                decision = await gate.CheckAsync(stream, cancellationToken);
            }
            catch (ActiveRegionConfigMissingException e)
            {
                console.MarkupLineInterpolated($"[red]{stream}[/]: {e.Message}");
                exitCode = 1;
                continue;
            }

            console.MarkupLineInterpolated($"[bold]{stream}[/] in {options.Region}: active region [bold]{decision.ActiveRegion}[/], state {decision.State}, version {decision.Version}");
            var summary = await kinesis.DescribeStreamSummaryAsync(stream, cancellationToken);
            foreach (var target in options.TargetRegions)
            {
                var lag = await meter.MeasureAsync(stream, target, decision.ActiveRegion, cancellationToken);
                console.Write(LagTable(lag));
                WriteParity(console, await StreamParity.CheckAsync(summary, options.Region, ct => targetKinesis(target).DescribeStreamSummaryAsync(stream, ct), target, cancellationToken), target);
            }
        }

        return exitCode;
    }

    /// <summary>How the target's stream differs from the source's (<see cref="StreamParity"/>): what loses data in red.</summary>
    private static void WriteParity(IAnsiConsole console, ParityCheck check, string target)
    {
        if (check.Unanswered is { } reason)
        {
            console.MarkupLineInterpolated($"  configuration in {target}: [yellow]not compared[/] ({reason})");
            return;
        }

        if (check.Differences.Count == 0)
        {
            console.MarkupLineInterpolated($"  configuration in {target}: same as the source's");
        }

        foreach (var difference in check.Differences)
        {
            var color = difference.LosesData ? "red" : "yellow";
            console.MarkupLineInterpolated($"  configuration in {target}: [{color}]{difference.Describe()}[/]");
        }
    }

    private static Table LagTable(StreamLag lag)
    {
        var table = new Table()
            .Title($"→ {lag.TargetRegion}: {lag.RecordsBehind:N0}{(lag.AtLeast ? "+" : "")} records, {lag.SecondsBehind:N1} s behind, watermark {(lag.Watermark is { } watermark ? CommitTimestamps.Format(watermark) : "unknown")}")
            .AddColumns("shard", "state", "checkpoint sequence number", "commit timestamp", "records behind", "seconds behind");
        foreach (var shard in lag.Shards)
        {
            table.AddRow(
                shard.ShardId,
                shard.Done ? "closed, done" : shard.Closed ? "closed" : "open",
                shard.Checkpoint?.SequenceNumber ?? "(none yet)",
                shard.Checkpoint?.CommitTimestamp is { } commit ? CommitTimestamps.Format(commit) : "-",
                $"{shard.RecordsBehind:N0}{(shard.AtLeast ? "+" : "")}",
                $"{shard.SecondsBehind:N1}");
        }

        return table;
    }
}
