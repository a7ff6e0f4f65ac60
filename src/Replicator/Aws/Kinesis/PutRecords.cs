namespace Replicator.Aws.Kinesis;

public sealed record PutRecordsRequest(string StreamName, IReadOnlyList<PutRecordsRequestEntry> Records)
{
    public string? StreamARN { get; init; }
}

public sealed record PutRecordsRequestEntry(Base64Data Data, string PartitionKey)
{
    public string? ExplicitHashKey { get; init; }

    /// <summary>The record's size as Kinesis counts it against its limits and bills it: data and partition key.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Bytes => SizeOf(Data, PartitionKey);

    /// <summary>A record's size as Kinesis counts it: its data decoded, and its partition key's UTF-8 bytes.</summary>
    public static int SizeOf(Base64Data data, string partitionKey) => data.Length + System.Text.Encoding.UTF8.GetByteCount(partitionKey);
}

public sealed record PutRecordsResponse(int FailedRecordCount, IReadOnlyList<PutRecordsResultEntry> Records)
{
    public string? EncryptionType { get; init; }
}

/// <summary>One entry per request record, in request order: a sequence number, or an error code.</summary>
public sealed record PutRecordsResultEntry(string? SequenceNumber, string? ShardId, string? ErrorCode, string? ErrorMessage)
{
    /// <summary>Derived, never on the wire (Kinesis answers only the four fields).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Succeeded => ErrorCode is null;
}
