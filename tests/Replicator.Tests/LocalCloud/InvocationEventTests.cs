using System.Text.Json;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;
using Replicator.LocalCloud.EventSourceMapping;

namespace Replicator.Tests.LocalCloud;

public sealed class InvocationEventTests
{
    [Fact]
    public void The_event_is_the_one_the_serializer_writes()
    {
        var records = Records(3, dataBytes: 10);

        var (payload, count) = InvocationEvent.Build(records);

        Assert.Equal(3, count);
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(new KinesisEvent(records), LambdaEventsJsonContext.Default.KinesisEvent), payload);
    }

    /// <summary>
    /// Lambda's invocation payload is 6 MB (read as 6,000,000 bytes; its error names 6,291,456): ten
    /// records of 1 MiB make a 14 MB event in base64, so a batch of them must stop at four, whatever
    /// BatchSize says.
    /// </summary>
    [Fact]
    public void A_batch_stops_at_Lambdas_payload_limit()
    {
        var (payload, count) = InvocationEvent.Build(Records(10, dataBytes: 1 << 20));

        Assert.Equal(4, count);
        Assert.True(payload.Length <= 6_000_000, $"{payload.Length} bytes");
        Assert.Equal(4, JsonSerializer.Deserialize(payload, LambdaEventsJsonContext.Default.KinesisEvent)!.Records!.Count);
    }

    [Fact]
    public void A_record_alone_over_the_limit_still_goes_alone()
    {
        var (_, count) = InvocationEvent.Build(Records(2, dataBytes: 100), maxBytes: 50);

        Assert.Equal(1, count);
    }

    private static List<KinesisEventRecord> Records(int count, int dataBytes) =>
        Enumerable.Range(0, count).Select(i => new KinesisEventRecord
        {
            EventSource = "aws:kinesis",
            EventId = $"shardId-000000000000:{i}",
            Kinesis = new KinesisRecordData { PartitionKey = $"k{i}", SequenceNumber = $"{i}", Data = Base64Data.FromBytes(new byte[dataBytes]) },
        }).ToList();
}
