namespace Replicator.Relay;

/// <summary>
/// PutRecords' service limits: 500 records and 5 MiB (data plus partition keys) per request, and 1 MiB
/// per record (data plus partition key), which every stream takes (Kinesis developer guide, "Quotas and limits").
/// </summary>
public sealed record PutRecordsLimits(int MaxRecords, int MaxBytes, int MaxRecordBytes = 1 << 20)
{
    public static PutRecordsLimits Kinesis { get; } = new(500, 5 * 1024 * 1024);
}
