namespace Replicator.Aws.Kinesis;

public sealed record PutRecordsRequest(string StreamName, IReadOnlyList<PutRecordsRequestEntry> Records)
{
    public string? StreamARN { get; init; }
}

public sealed record PutRecordsRequestEntry(Base64Data Data, string PartitionKey)
{
    public string? ExplicitHashKey { get; init; }
}

public sealed record PutRecordsResponse(int FailedRecordCount, IReadOnlyList<PutRecordsResultEntry> Records)
{
    public string? EncryptionType { get; init; }
}

/// <summary>One entry per request record, in request order: a sequence number, or an error code.</summary>
public sealed record PutRecordsResultEntry(string? SequenceNumber, string? ShardId, string? ErrorCode, string? ErrorMessage)
{
    public bool Succeeded => ErrorCode is null;
}
