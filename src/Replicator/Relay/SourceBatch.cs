namespace Replicator.Relay;

/// <summary>A Kinesis event checked and turned into the records of one shard of one stream.</summary>
public sealed record SourceBatch(string StreamName, string ShardId, IReadOnlyList<SourceRecord> Records)
{
    /// <summary>Reads a Kinesis event as Lambda delivers it; the records' data stay slices of <paramref name="payload"/>.</summary>
    /// <exception cref="MalformedEventException">Not a Kinesis event, or a field the relay needs is missing, naming it and the record.</exception>
    public static SourceBatch Read(ReadOnlyMemory<byte> payload) => KinesisEventReader.Read(payload);
}
