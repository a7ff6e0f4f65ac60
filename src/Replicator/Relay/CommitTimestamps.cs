using System.Globalization;
using System.Text.Json;
using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

/// <summary>
/// Finds a CDC record's <c>commitTimestamp</c> (ISO-8601 UTC) without decoding the payload as text:
/// bytes are opaque, so anything that is not a JSON object with that string yields null and the
/// caller falls back to the arrival time.
/// </summary>
public static class CommitTimestamps
{
    private static ReadOnlySpan<byte> PropertyName => "commitTimestamp"u8;

    /// <summary>Decodes the record's data (into a pooled buffer) to look for its commit timestamp.</summary>
    public static DateTimeOffset? TryRead(Base64Data data)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(data.Length);
        try
        {
            data.Decode(buffer);
            return TryRead(buffer.AsSpan(0, data.Length));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static DateTimeOffset? TryRead(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isCommitTimestamp = reader.ValueTextEquals(PropertyName);
                reader.Read();
                if (isCommitTimestamp)
                {
                    return reader.TokenType == JsonTokenType.String && DateTimeOffset.TryParse(
                        reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
                        ? value
                        : null;
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            // Not JSON: expected for opaque payloads, counted by the caller.
            return null;
        }
    }

    /// <summary>The fixed-width UTC form stored in the checkpoint table, so string order is time order.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
