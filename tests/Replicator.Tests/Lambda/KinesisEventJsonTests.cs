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
        Assert.Equal("Hello, this is a test.", Encoding.UTF8.GetString(first.Kinesis.Data!.Value.ToArray()));
        Assert.Equal(1545084650.987, first.Kinesis.ApproximateArrivalTimestamp, 3);
    }

    [Fact]
    public void SourceBatchFrom_AwsDocumentedSample_NamesStreamShardAndArrival()
    {
        var batch = SourceBatch.Read(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Lambda/Samples/aws-docs-kinesis-event.json")));

        Assert.Equal("lambda-stream", batch.StreamName);
        Assert.Equal("shardId-000000000006", batch.ShardId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1545084650987), batch.Records[0].ArrivalTime);
        Assert.Equal("49590338271490256608559692540925702759324208523137515618", batch.Records[1].SequenceNumber);
    }

    [Fact]
    public void SourceBatchFrom_SampleEventForSamLocalInvoke_IsACdcBatchOfOneShard()
    {
        var batch = SourceBatch.Read(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "events/relay-kinesis.json")));

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
        var error = Assert.Throws<MalformedEventException>(() => SourceBatch.Read(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("null", "JSON null")]
    [InlineData("[1]", "'Records'")]
    [InlineData("{\"Records\":[", "not a Kinesis event")]
    [InlineData("{\"Records\":[{\"eventSourceARN\":\"arn:aws:kinesis:us-east-1:123456789012:stream/s\",\"eventID\":\"shardId-0:9\",\"kinesis\":{\"sequenceNumber\":\"9\",\"partitionKey\":\"k\",\"data\":\"not base64!\"}}]}", "(sequence number 9): kinesis.data is not base64")]
    [InlineData("{\"Records\":[{\"eventSourceARN\":\"arn:aws:kinesis:us-east-1:123456789012:stream/s\",\"eventID\":\"shardId-0:9\",\"kinesis\":{\"sequenceNumber\":\"9\",\"partitionKey\":\"k\",\"data\":\"YW=j\"}}]}", "(sequence number 9): kinesis.data is not base64")]
    [InlineData("{\"Records\":[{\"eventSourceARN\":\"arn:aws:kinesis:us-east-1:123456789012:stream/s\",\"eventID\":\"shardId-0:9\",\"kinesis\":{\"sequenceNumber\":\"9\",\"partitionKey\":\"k\",\"data\":\"YWJjZ\"}}]}", "(sequence number 9): kinesis.data is not base64")]
    [InlineData("{\"Records\":[{\"eventSourceARN\":\"arn:aws:kinesis:us-east-1:123456789012:stream/s\",\"eventID\":\"shardId-0:9\",\"kinesis\":{\"sequenceNumber\":\"9\",\"partitionKey\":\"k\",\"data\":\"Y===\"}}]}", "(sequence number 9): kinesis.data is not base64")]
    [InlineData("{\"Records\":[{\"eventSourceARN\":\"arn:aws:kinesis:us-east-1:123456789012:stream/s\",\"eventID\":\"shardId-0:1\",\"kinesis\":{\"sequenceNumber\":\"1\",\"partitionKey\":\"k\",\"data\":\"\"}},{\"eventSourceARN\":\"arn:aws:kinesis:us-east-1:123456789012:stream/s\",\"eventID\":\"shardId-1:2\",\"kinesis\":{\"sequenceNumber\":\"2\",\"partitionKey\":\"k\",\"data\":\"\"}}]}", "Records[1] (sequence number 2) is from s/shardId-1 but the batch began with s/shardId-0")]
    public void SourceBatchRead_NotAKinesisEvent_SaysWhatIsWrong(string json, string expected)
    {
        var error = Assert.Throws<MalformedEventException>(() => SourceBatch.Read(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SourceBatchRead_KeepsEachRecordsBase64AsASliceOfThePayload()
    {
        var payload = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "events/relay-kinesis.json"));

        var batch = SourceBatch.Read(payload);

        Assert.All(batch.Records, record =>
        {
            Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(record.Data.Base64, out var segment));
            Assert.Same(payload, segment.Array);
        });
        var sample = Load("events/relay-kinesis.json").Records!;
        Assert.Equal(sample.Select(r => r.Kinesis!.Data!.Value.ToArray()), batch.Records.Select(r => r.Data.ToArray()));
        Assert.Equal(sample.Select(r => r.Kinesis!.Data!.Value.Length), batch.Records.Select(r => r.Data.Length));
    }

    [Fact]
    public void SourceBatchRead_UnescapesDataThatWasEscapedInTheJson()
    {
        var bytes = new byte[] { 0xfb, 0xff, 0xfe };
        var base64 = Convert.ToBase64String(bytes);
        Assert.Contains('/', base64);
        var json = "{\"Records\":[{\"eventSourceARN\":\"arn:aws:kinesis:us-east-1:123456789012:stream/s\",\"eventID\":\"shardId-0:1\",\"kinesis\":{\"sequenceNumber\":\"1\",\"partitionKey\":\"k\",\"data\":\""
            + base64.Replace("/", "\\/", StringComparison.Ordinal) + "\"}}]}";

        var record = Assert.Single(SourceBatch.Read(Encoding.UTF8.GetBytes(json)).Records);

        Assert.Equal(bytes, record.Data.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(1024)]
    public void Base64Data_LengthIsTheDecodedLengthAndThePutRecordsBodyCarriesItUnchanged(int size)
    {
        var bytes = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();
        var data = Replicator.Aws.Kinesis.Base64Data.FromBytes(bytes);

        var json = Encoding.UTF8.GetString(Replicator.Aws.Kinesis.PutRecordsBody.Serialize(new Replicator.Aws.Kinesis.PutRecordsRequest("s", [new(data, "k")])));

        Assert.Equal(size, data.Length);
        Assert.Contains($"\"{Convert.ToBase64String(bytes)}\"", json, StringComparison.Ordinal);
        Assert.Equal(bytes, data.ToArray());
    }

    [Fact]
    public void PutRecordsBody_RoundTripsKeysThatNeedEscapingAndBodiesOfEverySize()
    {
        foreach (var count in new[] { 1, 7, 500 })
        {
            var entries = Enumerable.Range(0, count)
                .Select(i => new Replicator.Aws.Kinesis.PutRecordsRequestEntry(Replicator.Aws.Kinesis.Base64Data.FromBytes(new byte[i * 37 % 3000]), $"k\"{i}\\\u2028é\u0001"))
                .ToArray();

            var request = new Replicator.Aws.Kinesis.PutRecordsRequest("orders", entries);
            var body = Replicator.Aws.Kinesis.PutRecordsBody.Serialize(request);

            Assert.Equal(body.Length, Replicator.Aws.Kinesis.PutRecordsBody.Length(request));
            var read = JsonSerializer.Deserialize(body, Replicator.Aws.Kinesis.KinesisJsonContext.Default.PutRecordsRequest)!;
            Assert.Equal(entries.Select(e => e.PartitionKey), read.Records.Select(e => e.PartitionKey));
            Assert.Equal(entries.Select(e => e.Data.Length), read.Records.Select(e => e.Data.Length));
        }
    }

    [Fact]
    public void PutRecordsBody_CarriesTheStreamArnAndExplicitHashKeysWhenGiven()
    {
        var request = new Replicator.Aws.Kinesis.PutRecordsRequest("orders", [
            new(Replicator.Aws.Kinesis.Base64Data.FromBytes([1, 2, 3]), "k1") { ExplicitHashKey = "170141183460469231731687303715884105728" },
            new(Replicator.Aws.Kinesis.Base64Data.FromBytes([]), "k\"2"),
        ])
        { StreamARN = "arn:aws:kinesis:us-east-1:000000000000:stream/orders" };

        var body = Replicator.Aws.Kinesis.PutRecordsBody.Serialize(request);

        Assert.Equal(body.Length, Replicator.Aws.Kinesis.PutRecordsBody.Length(request));
        var read = JsonSerializer.Deserialize(body, Replicator.Aws.Kinesis.KinesisJsonContext.Default.PutRecordsRequest)!;
        Assert.Equal(("orders", request.StreamARN), (read.StreamName, read.StreamARN));
        Assert.Equal(["170141183460469231731687303715884105728", null], read.Records.Select(r => r.ExplicitHashKey));
        Assert.Equal(["k1", "k\"2"], read.Records.Select(r => r.PartitionKey));
        Assert.Equal([new byte[] { 1, 2, 3 }, []], read.Records.Select(r => r.Data.ToArray()));
    }

    /// <summary>Properties derived for the relay (a record's size, whether an entry succeeded) are not fields of the Kinesis wire format.</summary>
    [Fact]
    public void Derived_properties_are_not_written_as_wire_fields()
    {
        var entry = new Replicator.Aws.Kinesis.PutRecordsRequestEntry(Replicator.Aws.Kinesis.Base64Data.FromBytes([1, 2, 3]), "ké");
        var response = new Replicator.Aws.Kinesis.PutRecordsResponse(0, [new("1", "shardId-000000000000", null, null)]);

        Assert.Equal(6, entry.Bytes);
        Assert.Equal("""{"Data":"AQID","PartitionKey":"k\u00E9"}""", JsonSerializer.Serialize(entry, Replicator.Aws.Kinesis.KinesisJsonContext.Default.PutRecordsRequestEntry));
        Assert.Equal(
            """{"FailedRecordCount":0,"Records":[{"SequenceNumber":"1","ShardId":"shardId-000000000000"}]}""",
            JsonSerializer.Serialize(response, Replicator.Aws.Kinesis.KinesisJsonContext.Wire.PutRecordsResponse));
    }
}
