using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Replicator.Aws.Kinesis;

/// <summary>
/// A record's bytes kept as the base64 text they travel as, in Kinesis events and in PutRecords
/// bodies alike, so the relay passes them through without decoding and re-encoding each record.
/// They are decoded only where the bytes themselves are needed (a commit timestamp, a test's check).
/// </summary>
[JsonConverter(typeof(Base64DataJsonConverter))]
public readonly struct Base64Data : IEquatable<Base64Data>
{
    /// <param name="base64">UTF-8 base64 text, padded, as Kinesis sends it.</param>
    public Base64Data(ReadOnlyMemory<byte> base64) => Base64 = base64;

    public ReadOnlyMemory<byte> Base64 { get; }

    /// <summary>The decoded length: what Kinesis counts against its 1 MiB record limit.</summary>
    public int Length
    {
        get
        {
            var text = Base64.Span;
            var padding = text.Length == 0 ? 0 : text[^1] != '=' ? 0 : text.Length > 1 && text[^2] == '=' ? 2 : 1;
            return (text.Length / 4 * 3) - padding;
        }
    }

    public static Base64Data FromBytes(ReadOnlySpan<byte> bytes)
    {
        var text = new byte[System.Buffers.Text.Base64.GetMaxEncodedToUtf8Length(bytes.Length)];
        System.Buffers.Text.Base64.EncodeToUtf8(bytes, text, out _, out var written);
        return new Base64Data(text.AsMemory(0, written));
    }

    /// <exception cref="FormatException">The text is not base64.</exception>
    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        Decode(bytes);
        return bytes;
    }

    /// <summary>Decodes into <paramref name="destination"/>, which must hold <see cref="Length"/> bytes.</summary>
    /// <exception cref="FormatException">The text is not base64.</exception>
    public void Decode(Span<byte> destination)
    {
        if (System.Buffers.Text.Base64.DecodeFromUtf8(Base64.Span, destination, out _, out _) != OperationStatus.Done)
        {
            throw new FormatException("The record's data is not base64.");
        }
    }

    public bool Equals(Base64Data other) => Base64.Span.SequenceEqual(other.Base64.Span);

    public override bool Equals(object? obj) => obj is Base64Data other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Base64.Span);
        return hash.ToHashCode();
    }

    public static bool operator ==(Base64Data left, Base64Data right) => left.Equals(right);

    public static bool operator !=(Base64Data left, Base64Data right) => !left.Equals(right);
}

/// <summary>Reads a JSON string of base64 as it is (checked, not decoded) and writes it back unchanged.</summary>
public sealed class Base64DataJsonConverter : JsonConverter<Base64Data>
{
    public override Base64Data Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected base64 data as a JSON string, found {reader.TokenType}.");
        }

        // The reader's buffer does not outlive this call, so the text is copied.
        var text = reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan.ToArray();
        return Base64.IsValid(text) ? new Base64Data(text) : throw new JsonException("The data is not base64.");
    }

    /// <summary>
    /// Writes the text as a JSON string. Base64 needs no escaping; under the default (HTML-safe) encoder
    /// every '+' comes out escaped, still valid, so the Kinesis client writes with a relaxed one.
    /// </summary>
    public override void Write(Utf8JsonWriter writer, Base64Data value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Base64.Span);
}
