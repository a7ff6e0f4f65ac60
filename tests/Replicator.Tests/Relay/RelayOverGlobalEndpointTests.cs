using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Replicator.LocalCloud;
using Replicator.Relay;
using Replicator.Tests.Fakes;
using Replicator.Tests.LocalCloud;

namespace Replicator.Tests.Relay;

/// <summary>
/// A relay given only AWS_ENDPOINT_URL, as a LocalStack user sets it: every client goes to that one
/// endpoint, and each request is signed for its own region, which is how such an emulator keeps the
/// source region's tables and stream apart from the target's.
/// </summary>
public sealed partial class RelayOverGlobalEndpointTests : IAsyncDisposable
{
    private const string Source = "eu-west-1";
    private const string Target = "eu-central-1";
    private readonly ConcurrentQueue<(string Operation, string Region)> _requests = new();
    private readonly LoopbackHttpServer _emulator;

    public RelayOverGlobalEndpointTests() => _emulator = new LoopbackHttpServer(AnswerAsync);

    public ValueTask DisposeAsync() => _emulator.DisposeAsync();

    [Fact]
    public async Task Every_call_reaches_the_global_endpoint_signed_for_its_region()
    {
        var environment = new Dictionary<string, string>
        {
            [RelayEnvironment.SourceRegion] = Source,
            [RelayEnvironment.TargetRegion] = Target,
            [RelayEnvironment.ConfigTable] = "kdsActiveRegionConfig",
            [RelayEnvironment.CheckpointTable] = "kdsReplicationCheckpoint",
            [RelayEnvironment.PositionsTable] = "kdsReplicationPositions",
            ["AWS_ENDPOINT_URL"] = _emulator.Endpoint.ToString(),
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
        };
        using var log = new StringWriter();

        await RelayFactory.Create(environment, metricsOutput: TextWriter.Null)
            .HandleAsync(LocalCloudFixture.SampleRelayEvent("kds-stream-1"), TestContexts.Create(log), CancellationToken.None);

        // The relay reads the config, lists the source's shards (a child shard waits for its parents: this
        // one has none) and writes its checkpoint and position sample in its own region, and writes records in the target's.
        Assert.Equal(
            [("DynamoDB_20120810.GetItem", Source), ("DynamoDB_20120810.PutItem", Source), ("DynamoDB_20120810.UpdateItem", Source), ("Kinesis_20131202.ListShards", Source), ("Kinesis_20131202.PutRecords", Target)],
            _requests.Distinct().Order().ToList());
    }

    /// <summary>Just enough of DynamoDB and Kinesis for one batch: the stream active here, one shard, every record accepted.</summary>
    private async Task AnswerAsync(HttpListenerContext context)
    {
        var operation = context.Request.Headers["X-Amz-Target"] ?? "";
        _requests.Enqueue((operation, SigningRegion().Match(context.Request.Headers["Authorization"] ?? "").Groups[1].Value));
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var request = JsonNode.Parse(await reader.ReadToEndAsync());
        var answer = operation switch
        {
            "DynamoDB_20120810.GetItem" => """{"Item":{"streamName":{"S":"kds-stream-1"},"activeRegion":{"S":"eu-west-1"}}}""",
            "Kinesis_20131202.ListShards" => """{"Shards":[{"ShardId":"shardId-000000000000","HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"340282366920938463463374607431768211455"},"SequenceNumberRange":{"StartingSequenceNumber":"1"}}]}""",
            "Kinesis_20131202.PutRecords" => new JsonObject
            {
                ["FailedRecordCount"] = 0,
                ["Records"] = new JsonArray(request!["Records"]!.AsArray().Select((_, i) => (JsonNode)new JsonObject
                {
                    ["SequenceNumber"] = (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["ShardId"] = "shardId-000000000000",
                }).ToArray()),
            }.ToJsonString(),
            _ => "{}",
        };
        var body = Encoding.UTF8.GetBytes(answer);
        context.Response.ContentType = operation.StartsWith("Kinesis", StringComparison.Ordinal) ? "application/x-amz-json-1.1" : "application/x-amz-json-1.0";
        await context.Response.OutputStream.WriteAsync(body);
        context.Response.Close();
    }

    /// <summary>The region in a SigV4 Authorization header's credential scope: Credential=KEY/date/REGION/service/aws4_request.</summary>
    [GeneratedRegex(@"Credential=[^/]+/\d{8}/([^/]+)/")]
    private static partial Regex SigningRegion();
}
