namespace Replicator.Lambda;

/// <summary>
/// How large a Kinesis record can reach a function through an event source mapping. Lambda's
/// synchronous invocation payload is "6 MB" (Lambda quotas); read as 6,000,000 bytes, the unfavourable
/// reading (the service's own error names 6,291,456). The event carries the record's data as base64
/// (4 bytes per 3) with its partition key, sequence numbers, ARNs and field names around it, for which
/// <see cref="EnvelopeBytes"/> is a generous allowance. A stream whose MaxRecordSizeInKiB is above
/// <see cref="MaxDeliverableKinesisRecordKiB"/> can hold a record no invocation could carry.
/// </summary>
public static class InvocationPayload
{
    public const int MaxBytes = 6_000_000;

    /// <summary>Everything in a one-record Kinesis event but the base64 data: 256-character partition key, 128-character stream name, long ARNs.</summary>
    public const int EnvelopeBytes = 2048;

    /// <summary>4393 KiB: the largest record (partition key and data) whose event fits <see cref="MaxBytes"/>.</summary>
    public const int MaxDeliverableKinesisRecordKiB = (MaxBytes - EnvelopeBytes) / 4 * 3 / 1024;
}
