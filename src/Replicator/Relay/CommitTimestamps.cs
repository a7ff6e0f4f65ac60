using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

/// <summary>
/// Finds a CDC record's <c>commitTimestamp</c> (ISO-8601 UTC) without decoding the payload as text:
/// bytes are opaque, so anything that is not a JSON object with that string yields null, and the
/// record does not count towards the watermark.
/// </summary>
public static class CommitTimestamps
{
    // 128 base64 characters decode to 96 bytes: enough for a CDC record's leading fields. Each further
    // look decodes four times as much, continuing where the last one stopped.
    private const int FirstLookCharacters = 128;

    /// <summary>A time without a zone is UTC, and every time is read as UTC.</summary>
    private const DateTimeStyles Utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;

    private static ReadOnlySpan<byte> PropertyName => "commitTimestamp"u8;

    private enum Search
    {
        Found,
        Absent,
        NeedsMore,
    }

    /// <summary>
    /// Decodes as little of the record's data as settles it: a prefix first, then more, and the whole
    /// record only when every prefix ends before the timestamp or the end of the top-level object.
    /// </summary>
    /// <exception cref="FormatException">The data is not base64.</exception>
    public static DateTimeOffset? TryRead(Base64Data data)
    {
        var text = data.Base64.Span;
        // Most records settle within the first look, decoded on the stack: renting a buffer of the
        // record's size for each of them cost more than the look itself.
        Span<byte> buffer = stackalloc byte[FirstLookCharacters / 4 * 3];
        byte[]? rented = null;
        try
        {
            int decodedCharacters = 0, decodedBytes = 0;
            for (var look = Math.Min(FirstLookCharacters, text.Length); ; look = Math.Min(look * 4, text.Length))
            {
                if (look > FirstLookCharacters && rented is null)
                {
                    rented = ArrayPool<byte>.Shared.Rent(data.Length);
                    buffer[..decodedBytes].CopyTo(rented);
                    buffer = rented;
                }

                // Only the whole text may end in padding; a prefix is whole 4-character groups.
                var isWhole = look == text.Length;
                if (Base64.DecodeFromUtf8(text[decodedCharacters..look], buffer[decodedBytes..], out var consumed, out var written, isWhole) != OperationStatus.Done)
                {
                    throw new FormatException("The record's data is not base64.");
                }

                decodedCharacters += consumed;
                decodedBytes += written;
                if (Find(buffer[..decodedBytes], isWhole, out var value) != Search.NeedsMore)
                {
                    return value;
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public static DateTimeOffset? TryRead(ReadOnlySpan<byte> payload)
    {
        Find(payload, isWhole: true, out var value);
        return value;
    }

    /// <summary>
    /// The commit timestamp the watermark counts for a record: its own, but no later than its arrival in
    /// the stream, since a record is written after its commit (a producer clock running ahead must not
    /// raise the watermark past what has arrived).
    /// </summary>
    public static DateTimeOffset Effective(DateTimeOffset commit, DateTimeOffset arrival) => commit > arrival ? arrival : commit;

    /// <summary>
    /// The latest effective commit timestamp among the first <paramref name="count"/> records (null when
    /// none has one: records without one never move the watermark), how many had none, and the first of those.
    /// </summary>
    public static (DateTimeOffset? Latest, int Missing, string? FirstMissingSequenceNumber) Latest(IReadOnlyList<SourceRecord> records, int count)
    {
        var missing = 0;
        string? first = null;
        DateTimeOffset? latest = null;
        for (var i = 0; i < count; i++)
        {
            if (TryRead(records[i].Data) is not { } commit)
            {
                missing++;
                first ??= records[i].SequenceNumber;
                continue;
            }

            var effective = Effective(commit, records[i].ArrivalTime);
            latest = latest is null || effective > latest ? effective : latest;
        }

        return (latest, missing, first);
    }

    /// <summary>The fixed-width UTC form stored in the checkpoint table, so string order is time order.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads a timestamp stored by <see cref="Format"/> (or any ISO 8601 form; a missing zone means UTC).</summary>
    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, Utc);

    /// <summary>As <see cref="Parse"/>, or null for text that is not a time (or no text).</summary>
    public static DateTimeOffset? TryParse(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, Utc, out var value) ? value : null;

    /// <param name="isWhole">False for a prefix: running out of it then means <see cref="Search.NeedsMore"/>, not absent.</param>
    private static Search Find(ReadOnlySpan<byte> json, bool isWhole, out DateTimeOffset? value)
    {
        value = null;
        var outOfData = isWhole ? Search.Absent : Search.NeedsMore;
        try
        {
            var reader = new Utf8JsonReader(json, isFinalBlock: isWhole, state: default);
            if (!reader.Read())
            {
                return outOfData;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return Search.Absent;
            }

            while (true)
            {
                if (!reader.Read())
                {
                    return outOfData;
                }

                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    return Search.Absent;
                }

                var isCommitTimestamp = reader.ValueTextEquals(PropertyName);
                if (!reader.Read())
                {
                    return outOfData;
                }

                if (isCommitTimestamp)
                {
                    value = reader.TokenType == JsonTokenType.String ? Parse(ref reader) : null;
                    return Search.Found;
                }

                if (!reader.TrySkip())
                {
                    return outOfData;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a prefix of invalid JSON is invalid too): expected for opaque payloads, counted by the caller.
            return Search.Absent;
        }
    }

    private static DateTimeOffset? Parse(ref Utf8JsonReader reader)
    {
        // The usual form, "…Z", parses without a string; anything else goes through the lenient parser.
        if (!reader.ValueIsEscaped && reader.ValueSpan is [.., (byte)'Z'] && reader.TryGetDateTimeOffset(out var utc))
        {
            return utc.ToUniversalTime();
        }

        return TryParse(reader.GetString());
    }
}
