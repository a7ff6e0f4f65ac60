using System.Text;
using System.Text.Json;
using Replicator.Archive;
using Replicator.Aws.Kinesis;

namespace Replicator.Tests.Archive;

/// <summary>An archive line read back: every field exact, a broken line named by what it lacks.</summary>
public sealed class ArchiveEnvelopeTests
{
    private static readonly DateTimeOffset Arrival = new(2026, 11, 20, 6, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void A_line_reads_back_as_the_envelope_it_was_written_from()
    {
        var envelope = new ArchiveEnvelope("key-1", "shardId-000000000002", "4959033827149025660855969253", Arrival, Arrival.AddSeconds(-1), Base64Data.FromBytes([0, 1, 2, 255]))
        {
            AncestorShardIds = ["shardId-000000000001", "shardId-000000000000"],
        };

        var read = ArchiveEnvelope.Parse(envelope.ToJsonLine().AsSpan()[..^1]);

        Assert.Equal(envelope, read);
        Assert.NotEqual(envelope with { AncestorShardIds = ["shardId-000000000000", "shardId-000000000001"] }, read);
    }

    /// <summary>A line archived before issue 16 has no ancestors: it reads back with none, and replays by shard id.</summary>
    [Fact]
    public void A_line_without_ancestors_reads_back_with_none()
    {
        var line = """{"partitionKey":"k","shardId":"s","sequenceNumber":"1","arrivalTime":"2026-11-20T06:00:00.123Z","data":""}""";

        Assert.Empty(ArchiveEnvelope.Parse(Encoding.UTF8.GetBytes(line)).AncestorShardIds);
    }

    [Fact]
    public void Fields_it_does_not_know_are_skipped_and_escaped_data_is_unescaped()
    {
        var line = """{"partitionKey":"k","extra":{"a":[1,2]},"shardId":"s","sequenceNumber":"1","arrivalTime":"2026-11-20T06:00:00.123Z","data":"AAEC\/w=="}""";

        var read = ArchiveEnvelope.Parse(Encoding.UTF8.GetBytes(line));

        Assert.Equal(new byte[] { 0, 1, 2, 255 }, read.Data.ToArray());
        Assert.Null(read.CommitTimestamp);
        Assert.Equal(Arrival, read.ArrivalTime);
    }

    [Theory]
    [InlineData("""{"partitionKey":"k","sequenceNumber":"1","arrivalTime":"2026-11-20T06:00:00Z","data":""}""", "no 'shardId'")]
    [InlineData("""{"partitionKey":"k","shardId":"s","sequenceNumber":1,"arrivalTime":"2026-11-20T06:00:00Z","data":""}""", "'sequenceNumber' is not a string")]
    [InlineData("""{"partitionKey":"k","shardId":"s","sequenceNumber":"1","arrivalTime":"yesterday","data":""}""", "'arrivalTime' is not a time")]
    [InlineData("""["k"]""", "not a JSON object")]
    public void A_broken_line_is_refused_naming_what_is_wrong(string line, string message)
    {
        var error = Assert.ThrowsAny<JsonException>(() => ArchiveEnvelope.Parse(Encoding.UTF8.GetBytes(line)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
