namespace Replicator.Relay;

/// <summary>A stream's <c>lastReplicatedCommitTimestamp</c> as stored, and parsed where it parses.</summary>
/// <param name="Text">
/// The stored text. Seed 004 stored each record's <c>commitTimestamp</c> as the producer wrote it
/// (empty, with or without fraction or zone, or not a time at all); such a value is read where it
/// parses and is replaced by the first watermark this relay raises past it, never an error.
/// </param>
public sealed record StoredWatermark(string? Text, DateTimeOffset? Value)
{
    /// <summary>Whether the stored text is not in this relay's own format, so a lexical comparison with it means nothing.</summary>
    public bool IsForeign => Text is not null && (Value is not { } parsed || CommitTimestamps.Format(parsed) != Text);

    public static StoredWatermark From(string? text) => new(text, CommitTimestamps.TryParse(text));
}
