using Replicator.Aws.Kinesis;
using Replicator.Monitoring;

namespace Replicator.Tests.Monitoring;

/// <summary>Issue 16: every difference between the two streams that can lose or reject data is named with the setting to change.</summary>
public sealed class StreamParityTests
{
    private static readonly StreamDescriptionSummary Source = Summary(shards: 4, retentionHours: 168, maxKiB: 2048, encryption: "KMS");

    [Fact]
    public void Equal_streams_differ_in_nothing_whatever_their_keys()
    {
        Assert.Empty(StreamParity.Compare(Source, "us-east-1", Source with { KeyId = "another-regions-key" }, "us-east-2"));
    }

    [Fact]
    public void A_target_that_takes_smaller_records_or_keeps_them_shorter_loses_data_and_says_what_to_raise()
    {
        var differences = StreamParity.Compare(Source, "us-east-1", Summary(shards: 4, retentionHours: 24, maxKiB: null, encryption: "KMS"), "us-east-2");

        Assert.Equal([("MaxRecordSizeInKiB", "2048", "1024", true), ("RetentionPeriodHours", "168", "24", true)], differences.Select(d => (d.Setting, d.Source, d.Target, d.LosesData)));
        Assert.Contains("UpdateMaxRecordSize to 2048 in us-east-2", differences[0].Advice, StringComparison.Ordinal);
        Assert.Contains("IncreaseStreamRetentionPeriod to 168 in us-east-2", differences[1].Advice, StringComparison.Ordinal);
    }

    [Fact]
    public void Capacity_and_encryption_differences_are_named_without_counting_as_loss()
    {
        var fewerShards = StreamParity.Compare(Source, "us-east-1", Summary(shards: 2, retentionHours: 168, maxKiB: 2048, encryption: null), "us-east-2");
        var onDemand = StreamParity.Compare(Source, "us-east-1", Source with { StreamModeDetails = new StreamModeDetails("ON_DEMAND") }, "us-east-2");

        Assert.Equal([("OpenShardCount", false), ("EncryptionType", false)], fewerShards.Select(d => (d.Setting, d.LosesData)));
        Assert.Equal([("StreamMode", "PROVISIONED", "ON_DEMAND", false)], onDemand.Select(d => (d.Setting, d.Source, d.Target, d.LosesData)));
    }

    private static StreamDescriptionSummary Summary(int shards, int retentionHours, int? maxKiB, string? encryption) =>
        new("orders", "arn:aws:kinesis:us-east-1:111122223333:stream/orders", "ACTIVE", shards, retentionHours) { MaxRecordSizeInKiB = maxKiB, EncryptionType = encryption };
}
