namespace Replicator.Relay;

/// <summary>PutRecords' service limits: 500 records and 5 MiB (data plus partition keys) per request.</summary>
public sealed record PutRecordsLimits(int MaxRecords, int MaxBytes)
{
    public static PutRecordsLimits Kinesis { get; } = new(500, 5 * 1024 * 1024);
}
