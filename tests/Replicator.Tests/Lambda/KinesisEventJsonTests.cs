using System.Text;
using System.Text.Json;
using Replicator.Lambda;
using Replicator.Relay;

namespace Replicator.Tests.Lambda;

public sealed class KinesisEventJsonTests
{
    private static KinesisEvent Load(string path) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, path)), LambdaEventsJsonContext.Default.KinesisEvent)!;

    [Fact]
    public void Deserialize_AwsDocumentedSample_ReadsEveryField()
    {
        var kinesisEvent = Load("Lambda/Samples/aws-docs-kinesis-event.json");

        var first = kinesisEvent.Records![0];
        Assert.Equal(2, kinesisEvent.Records.Count);
        Assert.Equal("aws:kinesis", first.EventSource);
        Assert.Equal("us-east-2", first.AwsRegion);
        Assert.Equal("shardId-000000000006:49590338271490256608559692538361571095921575989136588898", first.EventId);
        Assert.Equal("1", first.Kinesis!.PartitionKey);
        Assert.Equal("Hello, this is a test.", Encoding.UTF8.GetString(first.Kinesis.Data!));
        Assert.Equal(1545084650.987, first.Kinesis.ApproximateArrivalTimestamp, 3);
    }

    [Fact]
    public void SourceBatchFrom_AwsDocumentedSample_NamesStreamShardAndArrival()
    {
        var batch = SourceBatch.From(Load("Lambda/Samples/aws-docs-kinesis-event.json"));

        Assert.Equal("lambda-stream", batch.StreamName);
        Assert.Equal("shardId-000000000006", batch.ShardId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1545084650987), batch.Records[0].ArrivalTime);
        Assert.Equal("49590338271490256608559692540925702759324208523137515618", batch.Records[1].SequenceNumber);
    }

    [Fact]
    public void SourceBatchFrom_SampleEventForSamLocalInvoke_IsACdcBatchOfOneShard()
    {
        var batch = SourceBatch.From(Load("events/relay-kinesis.json"));

        Assert.Equal("kds-stream-1", batch.StreamName);
        Assert.All(batch.Records, r => Assert.NotNull(CommitTimestamps.TryRead(r.Data)));
    }

    [Fact]
    public void Serialize_PartialBatchResponse_HasTheExactLambdaShape()
    {
        var response = new StreamsEventResponse([new BatchItemFailure("49590338271490256608559692540925702759324208523137515618")]);

        Assert.Equal(
            "{\"batchItemFailures\":[{\"itemIdentifier\":\"49590338271490256608559692540925702759324208523137515618\"}]}",
            JsonSerializer.Serialize(response, LambdaEventsJsonContext.Default.StreamsEventResponse));
        Assert.Equal("{\"batchItemFailures\":[]}", JsonSerializer.Serialize(StreamsEventResponse.Success, LambdaEventsJsonContext.Default.StreamsEventResponse));
    }

    [Theory]
    [InlineData("{}", "'Records'")]
    [InlineData("{\"Records\":[{\"eventSourceARN\":\"arn:aws:kinesis:us-east-1:123456789012:stream/s\",\"eventID\":\"shardId-0:1\"}]}", "Records[0].kinesis is missing")]
    [InlineData("{\"Records\":[{\"eventID\":\"shardId-0:1\",\"kinesis\":{\"sequenceNumber\":\"1\",\"partitionKey\":\"k\",\"data\":\"\"}}]}", "sequence number 1): eventSourceARN is missing")]
    [InlineData("{\"Records\":[{\"eventSourceARN\":\"arn:aws:kinesis:us-east-1:123456789012:stream/s\",\"eventID\":\"shardId-0:7\",\"kinesis\":{\"sequenceNumber\":\"7\",\"data\":\"\"}}]}", "kinesis.partitionKey is missing")]
    public void SourceBatchFrom_MalformedEvent_NamesTheMissingField(string json, string expected)
    {
        var kinesisEvent = JsonSerializer.Deserialize(json, LambdaEventsJsonContext.Default.KinesisEvent)!;

        var error = Assert.Throws<MalformedEventException>(() => SourceBatch.From(kinesisEvent));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
