using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

/// <summary>One record of a source batch, in shard order (<see cref="Index"/>).</summary>
public sealed record SourceRecord(int Index, string SequenceNumber, string PartitionKey, Base64Data Data, DateTimeOffset ArrivalTime)
{
    /// <summary>
    /// The bytes a PutRecords request spends on this record: data plus partition key (the 5 MiB limit
    /// counts both). Computed once, as the planner asks often; a copy made with <c>with</c> must keep
    /// the same data and key (the relay only renumbers <see cref="Index"/>).
    /// </summary>
    public int RequestBytes { get; } = PutRecordsRequestEntry.SizeOf(Data, PartitionKey);
}
