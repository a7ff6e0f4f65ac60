using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Replicator.Aws;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.EventSourceMapping;
using Replicator.Tests.Fakes;

namespace Replicator.Tests.LocalCloud;

[Collection(LocalCloudCollection.Name)]
public sealed class LocalEventSourceMappingTests(LocalCloudFixture fixture)
{
    [Fact]
    public async Task Sends_Lambda_shaped_events_and_resumes_at_the_named_batch_item_failure()
    {
        var stream = await fixture.CreateStreamAsync("esm", fixture.RegionA);
        var kinesis = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        // One request each: PutRecords does not promise a request's records land in request order (the local Kinesis reorders).
        for (var i = 0; i < 10; i++)
        {
            var put = await kinesis.PutRecordsAsync(new PutRecordsRequest(stream, [new PutRecordsRequestEntry(Base64Data.FromBytes(Encoding.UTF8.GetBytes($"r{i}")), "k")]), CancellationToken.None);
            Assert.Equal(0, put.FailedRecordCount);
        }

        var events = new ConcurrentQueue<string>();
        var calls = 0;
        LambdaHandler function = (payload, _, _) =>
        {
            events.Enqueue(Encoding.UTF8.GetString(payload.Span));
            var records = JsonSerializer.Deserialize(payload.Span, LambdaEventsJsonContext.Default.KinesisEvent)!.Records!;
            // First call: records 0-3 done, record 4 not durable.
            var response = Interlocked.Increment(ref calls) == 1
                ? new StreamsEventResponse([new BatchItemFailure(records[4].Kinesis!.SequenceNumber!)])
                : StreamsEventResponse.Success;
            return Task.FromResult(JsonSerializer.SerializeToUtf8Bytes(response, LambdaEventsJsonContext.Default.StreamsEventResponse));
        };
        var mapping = new LocalEventSourceMapping(
            kinesis, stream, () => FunctionInstance.OverSharedClients(function), (_, _) => TestContexts.Create(TextWriter.Null), new EventSourceMappingOptions { BatchSize = 10, FunctionName = "relay" });

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var running = mapping.RunAsync(stop.Token);
        while (mapping.RecordsAcknowledged < 10 && !stop.IsCancellationRequested)
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        await running;

        Assert.Equal(10, mapping.RecordsAcknowledged);
        var sent = events.Select(e => JsonSerializer.Deserialize(e, LambdaEventsJsonContext.Default.KinesisEvent)!.Records!.Select(r => Encoding.UTF8.GetString(r.Kinesis!.Data!.Value.ToArray())).ToArray()).ToArray();
        Assert.Equal(["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"], sent[0]);
        Assert.Equal(["r4", "r5", "r6", "r7", "r8", "r9"], sent[1]);

        using var first = JsonDocument.Parse(events.First());
        var record = first.RootElement.GetProperty("Records")[0];
        Assert.Equal("aws:kinesis", record.GetProperty("eventSource").GetString());
        Assert.Equal(fixture.RegionA, record.GetProperty("awsRegion").GetString());
        Assert.EndsWith($":stream/{stream}", record.GetProperty("eventSourceARN").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("shardId-000000000000:", record.GetProperty("eventID").GetString(), StringComparison.Ordinal);
        Assert.Equal("k", record.GetProperty("kinesis").GetProperty("partitionKey").GetString());
        Assert.Equal(Convert.ToBase64String("r0"u8), record.GetProperty("kinesis").GetProperty("data").GetString());
    }

    /// <summary>
    /// Issue 14: an invocation that reaches the function's timeout is killed as Lambda kills one (the
    /// process, not a token). The first instance writes, then freezes past its timeout ignoring every
    /// token, then tries to write again: that write must reach nothing, and the batch must come again
    /// in a new instance. With cancellation alone, the late write would land.
    /// </summary>
    [Fact]
    public async Task An_invocation_past_its_timeout_is_killed_so_nothing_it_does_after_lands_and_its_batch_comes_again_in_a_new_instance()
    {
        var stream = await fixture.CreateStreamAsync("esmkill", fixture.RegionA);
        var kinesis = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        await kinesis.PutRecordsAsync(new PutRecordsRequest(stream, [new PutRecordsRequestEntry(Base64Data.FromBytes("r"u8.ToArray()), "k")]), CancellationToken.None);
        var timeout = TimeSpan.FromSeconds(1);
        var instances = 0;
        var lateWrite = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var environment = new Dictionary<string, string> { ["TABLE_ENDPOINT"] = fixture.Cloud.Region(fixture.RegionA).DynamoDbEndpoint.ToString() };
        FunctionInstance Start() => FunctionInstance.Start(environment, isolated =>
        {
            var instance = Interlocked.Increment(ref instances);
            var table = DynamoDbClients.Create(fixture.RegionA, fixture.Cloud.Credentials, new Uri(isolated["TABLE_ENDPOINT"]));
            return async (_, _, _) =>
            {
                await MarkAsync(table, $"{stream}-{instance}-before");
                if (instance == 1)
                {
                    // Frozen past the timeout, honouring no token, as a stalled process would be.
                    await Task.Delay(timeout * 2, CancellationToken.None);
                    try
                    {
                        await MarkAsync(table, $"{stream}-1-after");
                        lateWrite.SetResult(null);
                    }
                    catch (Exception e)
                    {
                        lateWrite.SetResult(e);
                    }
                }

                return JsonSerializer.SerializeToUtf8Bytes(StreamsEventResponse.Success, LambdaEventsJsonContext.Default.StreamsEventResponse);
            };
        });
        var mapping = new LocalEventSourceMapping(
            kinesis, stream, Start, (_, t) => TestContexts.Create(TextWriter.Null), new EventSourceMappingOptions { BatchSize = 10, FunctionTimeout = timeout });
        var results = new ConcurrentQueue<InvocationResult>();
        mapping.Invoked += results.Enqueue;

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var running = mapping.RunAsync(stop.Token);
        while (mapping.RecordsAcknowledged < 1 && !stop.IsCancellationRequested)
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        await running;
        var late = await lateWrite.Task.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal((1, 2), (mapping.Killed, instances));
        Assert.Equal(["Task timed out after 1.00 seconds", null], results.Select(r => r.Error?.Message));
        Assert.True(await MarkedAsync($"{stream}-1-before"), "the killed instance's write before its timeout lands, as on AWS");
        Assert.True(await MarkedAsync($"{stream}-2-before"));
        Assert.NotNull(late);
        Assert.False(await MarkedAsync($"{stream}-1-after"), "a killed instance must reach nothing");
    }

    private static Task MarkAsync(Amazon.DynamoDBv2.IAmazonDynamoDB table, string name) =>
        table.PutItemAsync(ReplicatorTables.Config, new Dictionary<string, AttributeValue> { ["streamName"] = new(name) });

    private async Task<bool> MarkedAsync(string name) =>
        (await fixture.DynamoDb.GetItemAsync(ReplicatorTables.Config, new Dictionary<string, AttributeValue> { ["streamName"] = new(name) })).IsItemSet;
}
