using System.Globalization;
using Replicator.Archive;
using Replicator.Relay;

namespace Replicator.Replay;

/// <summary>
/// Where a lane has got to: the position of the last record it made durable, as
/// <c>hour/placement time/shard/padded sequence number</c> (<see cref="ShardLineageOrder"/>). The text
/// orders the way the lane goes: everything at or before the cursor is done, and the progress table can
/// refuse to move a cursor back with a plain string comparison. Unlike a count of records, it stays
/// right if Firehose delivers a late object into an hour.
/// </summary>
public readonly record struct LaneCursor(string Value)
{
    public static LaneCursor Start { get; } = new(string.Empty);

    /// <param name="placedAt">The record's place in time, in ticks: its shard's latest arrival up to it.</param>
    public static LaneCursor At(string hour, long placedAt, ArchiveEnvelope record) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{hour}/{Math.Max(placedAt, 0):D19}/{record.ShardId}/{SequenceNumbers.Pad(record.SequenceNumber)}"));

    /// <summary>A cursor as the progress table holds it.</summary>
    /// <exception cref="InvalidDataException">It was written by a version that replayed an hour shard by shard, whose cursors do not order with these.</exception>
    public static LaneCursor Parse(string value, string where)
    {
        var parts = value.Split('/');
        return value.Length == 0 || (parts.Length == 4 && parts[1].Length == 19 && parts[1].All(char.IsAsciiDigit))
            ? new LaneCursor(value)
            : throw new InvalidDataException(
                $"{where}: cursor '{value}' was written by a version that replayed each hour shard by shard; it cannot be resumed in arrival order. Start the replay again under a new replayId (what it replayed is sent again).");
    }

    /// <summary>The hour the cursor is in; hours before it are done.</summary>
    public string Hour => Value.Length == 0 ? string.Empty : Value[..Value.IndexOf('/', StringComparison.Ordinal)];

    public bool IsBefore(LaneCursor other) => string.CompareOrdinal(Value, other.Value) < 0;

    public override string ToString() => Value.Length == 0 ? "(start)" : Value;
}
