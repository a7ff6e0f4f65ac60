using System.CommandLine;
using System.Globalization;
using Amazon.Runtime;
using Replicator.Aws;
using Replicator.Aws.Kinesis;
using Replicator.Consumers;
using Replicator.Lambda;
using Replicator.Relay;
using Spectre.Console;

namespace Replicator.Cli.Consumers;

/// <summary>
/// <c>replicator consumers translate</c>: where a consumer of the old region's stream starts in the new
/// region's, from the relay's position samples: a KCL application's lease table written there, or the
/// AT_TIMESTAMP a Lambda event source mapping is created with (docs/consumers.md).
/// </summary>
public static class ConsumersCommand
{
    public static Command Create() => new("consumers", "Move stream consumers between regions.") { Translate() };

    private static Command Translate()
    {
        var stream = new Option<string>("--stream") { Description = "the stream, of the same name in both regions", Required = true };
        var from = new Option<string>("--from") { Description = "the old region, where the consumer was reading", Required = true };
        var to = new Option<string>("--to") { Description = "the new region", Required = true };
        var leaseTable = new Option<string?>("--lease-table") { Description = "a KCL application's lease table in the old region (its application name)" };
        var newLeaseTable = new Option<string?>("--new-lease-table") { Description = "the lease table to write in the new region; default: the same name" };
        var positions = new Option<string[]>("--position")
        {
            Description = "instead of a lease table: shardId=sequence number (last processed), shardId=TRIM_HORIZON or shardId=SHARD_END, per old shard (repeatable)",
            AllowMultipleArgumentsPerToken = true,
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "print where the consumer would start and the duplicate bound; write nothing" };
        var positionsTable = new Option<string>("--positions-table") { DefaultValueFactory = _ => "kdsReplicationPositions" };
        var kinesisEndpoints = new Option<string[]>("--kinesis-endpoint") { Description = "region=url (repeatable), for the local cloud", AllowMultipleArgumentsPerToken = true };
        var dynamoDbEndpoints = new Option<string[]>("--dynamodb-endpoint") { Description = "region=url (repeatable), for the local cloud", AllowMultipleArgumentsPerToken = true };
        var command = new Command("translate", "Translate a consumer's positions in the old region's stream into the new region's, from the relay's position samples.")
        {
            stream, from, to, leaseTable, newLeaseTable, positions, dryRun, positionsTable, kinesisEndpoints, dynamoDbEndpoints,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var environment = EnvironmentSettings.OfThisProcess();
            var options = new TranslateOptions(
                parse.GetRequiredValue(stream),
                parse.GetRequiredValue(from),
                parse.GetRequiredValue(to),
                parse.GetValue(leaseTable),
                parse.GetValue(newLeaseTable),
                (parse.GetValue(positions) ?? []).Select(ParsePosition).ToList(),
                parse.GetValue(dryRun),
                parse.GetRequiredValue(positionsTable),
                new RegionalEndpoints(EndpointMap(parse.GetValue(kinesisEndpoints), kinesisEndpoints.Name), ServiceEndpoints.Resolve(environment, AwsServiceId.Kinesis, (Uri?)null)),
                new RegionalEndpoints(EndpointMap(parse.GetValue(dynamoDbEndpoints), dynamoDbEndpoints.Name), ServiceEndpoints.Resolve(environment, AwsServiceId.DynamoDb, (Uri?)null)));
            return await RunAsync(options, AwsEnvironment.Credentials(environment), AnsiConsole.Console, cancellationToken);
        });
        return command;
    }

    /// <returns>0 when translated; 2 when the options name neither a lease table nor positions, or both.</returns>
    public static async Task<int> RunAsync(TranslateOptions options, AWSCredentials credentials, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if ((options.LeaseTable is null) == (options.Positions.Count == 0))
        {
            console.MarkupLine("[red]Give either --lease-table (a KCL application) or --position (any other consumer), not both.[/]");
            return 2;
        }

        var kinesis = KinesisClient.PerRegion(options.KinesisEndpoints, credentials);
        using var oldDynamoDb = DynamoDbClients.Create(options.From, credentials, options.DynamoDbEndpoints.For(options.From));
        using var newDynamoDb = DynamoDbClients.Create(options.To, credentials, options.DynamoDbEndpoints.For(options.To));
        // The samples are a global table: the new region's replica is the one that answers after the old region's outage.
        var translator = new ConsumerTranslator(new PositionSamples(newDynamoDb, options.PositionsTable, RelaySettings.DefaultPositionSampleRetention), options.From, options.To);
        var result = options.LeaseTable is { } table
            ? await LeaseTableTranslation.RunAsync(
                translator, new KclLeases(oldDynamoDb), table, new KclLeases(newDynamoDb), options.NewLeaseTable ?? table,
                options.Stream, kinesis(options.From), kinesis(options.To), options.DryRun, cancellationToken)
            : await translator.TranslateAsync(options.Stream, options.Positions, kinesis(options.From), kinesis(options.To), cancellationToken);

        Write(console, options, result);
        return 0;
    }

    private static void Write(IAnsiConsole console, TranslateOptions options, TranslationResult result)
    {
        var translation = result.Translation;
        var table = new Table()
            .Title($"{options.Stream}: {options.From} → {options.To}, from {result.SamplesRead:N0} position samples")
            .AddColumns("shard in " + options.To, "starts", "re-read at most", "why");
        foreach (var target in translation.Targets)
        {
            table.AddRow(
                target.ShardId,
                target.Finished ? "SHARD_END (nothing to read)" : target.StartAfter is { } after ? $"after {after}" : "TRIM_HORIZON",
                target.DuplicateBound?.ToString("N0", CultureInfo.InvariantCulture) ?? "unknown",
                Markup.Escape(target.Reason));
        }

        console.Write(table);
        if (result.SourceUnread is { } unread)
        {
            console.MarkupLineInterpolated($"[yellow]{options.From} was not read ({unread}): a shard the consumer has no position in is not known, and a position before every sample starts at TRIM_HORIZON.[/]");
        }

        console.MarkupLine(translation switch
        {
            { NothingUnprocessed: true } => "Lambda event source mapping: StartingPosition LATEST (the consumer had processed everything replicated), created before producers move.",
            { AtTimestamp: { } at } => $"Lambda event source mapping: StartingPosition AT_TIMESTAMP, StartingPositionTimestamp {at.ToUnixTimeMilliseconds() / 1000.0:0.000} ({at:yyyy-MM-ddTHH:mm:ss.fffZ}).",
            _ => "Lambda event source mapping: StartingPosition TRIM_HORIZON (the samples do not reach back to every unprocessed record).",
        });
        console.MarkupLineInterpolated($"{(options.DryRun || options.LeaseTable is null ? "Nothing written" : $"Lease table {options.NewLeaseTable ?? options.LeaseTable} written in {options.To}")}; at most {translation.DuplicateBound?.ToString("N0", CultureInfo.InvariantCulture) ?? "an unknown number of"} records are read again.");
    }

    public static SourcePosition ParsePosition(string text) => text.Split('=', 2) switch
    {
        [var shard, KclLeases.TrimHorizon] => SourcePosition.FromStart(shard),
        [var shard, KclLeases.ShardEnd] => SourcePosition.Done(shard),
        [var shard, var sequence] when sequence.Length > 0 && sequence.All(char.IsAsciiDigit) => SourcePosition.Through(shard, sequence),
        _ => throw new SettingsException("--position", $"'{text}' is not shardId=<sequence number>, shardId=TRIM_HORIZON or shardId=SHARD_END."),
    };

    private static IReadOnlyDictionary<string, Uri> EndpointMap(string[]? entries, string name) =>
        EnvironmentSettings.EndpointMap(new Dictionary<string, string> { [name] = string.Join(',', entries ?? []) }, name);
}

/// <summary>What <c>replicator consumers translate</c> moves, and where (real endpoints unless overridden).</summary>
public sealed record TranslateOptions(
    string Stream,
    string From,
    string To,
    string? LeaseTable,
    string? NewLeaseTable,
    IReadOnlyList<SourcePosition> Positions,
    bool DryRun,
    string PositionsTable,
    RegionalEndpoints KinesisEndpoints,
    RegionalEndpoints DynamoDbEndpoints);
