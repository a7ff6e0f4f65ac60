using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;
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
            kinesis, stream, function, (_, _) => TestContexts.Create(TextWriter.Null), new EventSourceMappingOptions { BatchSize = 10, FunctionName = "relay" });

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
}
