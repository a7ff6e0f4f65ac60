using Replicator.Archive;
using Replicator.Relay;

namespace Replicator.Replay;

/// <summary>
/// Where a lane has got to: the last record it made durable, as <c>hour/shard/padded sequence number</c>.
/// A lane reads each hour in (shard, sequence number) order, so the text orders the way the lane
/// goes: everything at or before the cursor is done, and the progress table can refuse to move a
/// cursor back with a plain string comparison. Unlike a count of records, it stays right if
/// Firehose delivers a late object into an hour.
/// </summary>
public readonly record struct LaneCursor(string Value)
{
    public static LaneCursor Start { get; } = new(string.Empty);

    public static LaneCursor After(string hour, ArchiveEnvelope record) =>
        new($"{hour}/{record.ShardId}/{SequenceNumbers.Pad(record.SequenceNumber)}");

    /// <summary>The hour the cursor is in; hours before it are done.</summary>
    public string Hour => Value.Length == 0 ? string.Empty : Value[..Value.IndexOf('/', StringComparison.Ordinal)];

    public bool IsBefore(LaneCursor other) => string.CompareOrdinal(Value, other.Value) < 0;

    public override string ToString() => Value.Length == 0 ? "(start)" : Value;
}
