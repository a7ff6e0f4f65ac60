using System.Text;
using System.Text.Json.Nodes;
using Replicator.Lambda;

namespace Replicator.Tests.Templates;

/// <summary>Records above 1 MiB: what the stack lets a stream take is what an event source mapping can deliver.</summary>
public sealed class RecordSizeTests
{
    [Fact]
    public void The_stream_takes_records_no_larger_than_an_invocation_can_carry()
    {
        var template = CloudFormationTemplate.Load("template.yaml", TemplateTests.TwoTargets);
        var parameter = template.Parameters["InputStreamMaxRecordSizeInKiB"]!;

        Assert.Equal("InputStreamMaxRecordSizeInKiB", template.Resources["InputStream"]!["Properties"]!["MaxRecordSizeInKiB"]!["Ref"]!.ToString());
        Assert.Equal(InvocationPayload.MaxDeliverableKinesisRecordKiB.ToString(System.Globalization.CultureInfo.InvariantCulture), parameter["MaxValue"]!.ToString());
        Assert.Equal("1024", parameter["Default"]!.ToString());
    }

    /// <summary>The largest record the stack allows, in the largest envelope, fits the payload; a KiB more does not.</summary>
    [Fact]
    public void A_one_record_event_of_the_largest_allowed_record_fits_the_invocation_payload()
    {
        Assert.True(LargestEventBytes(InvocationPayload.MaxDeliverableKinesisRecordKiB) <= InvocationPayload.MaxBytes);
        Assert.True(LargestEventBytes(InvocationPayload.MaxDeliverableKinesisRecordKiB + 1) > InvocationPayload.MaxBytes);
    }

    /// <summary>A Kinesis event as Lambda sends it (events/relay-kinesis.json's shape) with every variable field at its longest.</summary>
    private static int LargestEventBytes(int recordKiB)
    {
        var key = new string('k', 256);
        var data = new byte[(recordKiB * 1024) - 1];
        var sequence = new string('9', 56);
        var stream = new string('s', 128);
        var record = new JsonObject
        {
            ["kinesis"] = new JsonObject
            {
                ["kinesisSchemaVersion"] = "1.0",
                ["partitionKey"] = "k",
                ["sequenceNumber"] = sequence,
                ["data"] = Convert.ToBase64String(data),
                ["approximateArrivalTimestamp"] = 1636505310.987,
            },
            ["eventSource"] = "aws:kinesis",
            ["eventVersion"] = "1.0",
            ["eventID"] = $"shardId-000000000000:{sequence}",
            ["eventName"] = "aws:kinesis:record",
            ["invokeIdentityArn"] = $"arn:aws-us-gov:iam::123456789012:role/{new string('r', 64)}",
            ["awsRegion"] = "ap-southeast-2",
            ["eventSourceARN"] = $"arn:aws-us-gov:kinesis:ap-southeast-2:123456789012:stream/{stream}",
        };
        var envelope = Encoding.UTF8.GetByteCount(new JsonObject { ["Records"] = new JsonArray(record) }.ToJsonString());
        Assert.True(envelope - Convert.ToBase64String(data).Length + key.Length <= InvocationPayload.EnvelopeBytes, "the envelope allowance is too small");
        return envelope;
    }
}
