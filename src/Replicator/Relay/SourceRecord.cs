namespace Replicator.Relay;

/// <summary>One record of a source batch, in shard order (<see cref="Index"/>).</summary>
public sealed record SourceRecord(int Index, string SequenceNumber, string PartitionKey, byte[] Data, DateTimeOffset ArrivalTime)
{
    /// <summary>The bytes a PutRecords request spends on this record: data plus partition key (the 5 MiB limit counts both).</summary>
    public int RequestBytes => Data.Length + System.Text.Encoding.UTF8.GetByteCount(PartitionKey);
}
