namespace Replicator.Aws.Kinesis;

public sealed record GetShardIteratorRequest(string StreamName, string ShardId, string ShardIteratorType)
{
    public string? StartingSequenceNumber { get; init; }

    public double? Timestamp { get; init; }
}

public sealed record GetShardIteratorResponse(string ShardIterator);

public sealed record GetRecordsRequest(string ShardIterator)
{
    public int? Limit { get; init; }
}

public sealed record GetRecordsResponse(IReadOnlyList<KinesisRecord> Records, string? NextShardIterator)
{
    public long? MillisBehindLatest { get; init; }
}

public sealed record KinesisRecord(string SequenceNumber, byte[] Data, string PartitionKey, double ApproximateArrivalTimestamp)
{
    public string? EncryptionType { get; init; }

    /// <summary><see cref="ApproximateArrivalTimestamp"/> (epoch seconds, millisecond precision) as a time.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DateTimeOffset ArrivedAt => DateTimeOffset.FromUnixTimeMilliseconds((long)(ApproximateArrivalTimestamp * 1000));
}

/// <summary>The shard iterator types of GetShardIterator.</summary>
public static class ShardIteratorTypes
{
    public const string TrimHorizon = "TRIM_HORIZON";
    public const string Latest = "LATEST";
    public const string AtSequenceNumber = "AT_SEQUENCE_NUMBER";
    public const string AfterSequenceNumber = "AFTER_SEQUENCE_NUMBER";
    public const string AtTimestamp = "AT_TIMESTAMP";
}
