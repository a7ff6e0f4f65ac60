using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Replicator.Aws.Kinesis;

/// <summary>
/// Writes a PutRecords request body by hand into one array of exactly its size: each record's base64
/// data is copied as it came (base64 needs no escaping), and only partition keys that need it go
/// through a JSON encoder. This is the relay's hottest path: a 5 MiB body is one allocation and one
/// copy of its data, with no writer validating and re-scanning every byte.
/// </summary>
internal static class PutRecordsBody
{
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static ReadOnlySpan<byte> Open => "{\"StreamName\":\""u8;
    private static ReadOnlySpan<byte> ArnField => "\",\"StreamARN\":\""u8;
    private static ReadOnlySpan<byte> RecordsField => "\",\"Records\":["u8;
    private static ReadOnlySpan<byte> DataField => "{\"Data\":\""u8;
    private static ReadOnlySpan<byte> KeyField => "\",\"PartitionKey\":\""u8;
    private static ReadOnlySpan<byte> HashKeyField => "\",\"ExplicitHashKey\":\""u8;
    private static ReadOnlySpan<byte> RecordEnd => "\"}"u8;
    private static ReadOnlySpan<byte> Close => "]}"u8;

    /// <summary>The body's length in bytes, as <see cref="Serialize"/> would write it, without writing it.</summary>
    public static int Length(PutRecordsRequest request) => Measure(request, out _, out _, out _, out _);

    public static byte[] Serialize(PutRecordsRequest request)
    {
        var records = request.Records;
        var streamArn = request.StreamARN;
        var length = Measure(request, out var escapedName, out var escapedArn, out var escapedKeys, out var escapedHashKeys);

        // Every byte is written below, so the array need not be zeroed first.
        var body = GC.AllocateUninitializedArray<byte>(length);
        var rest = body.AsSpan();
        Append(ref rest, Open);
        AppendText(ref rest, request.StreamName, escapedName);
        if (streamArn is not null)
        {
            Append(ref rest, ArnField);
            AppendText(ref rest, streamArn, escapedArn);
        }

        Append(ref rest, RecordsField);
        for (var i = 0; i < records.Count; i++)
        {
            if (i > 0)
            {
                Append(ref rest, ","u8);
            }

            Append(ref rest, DataField);
            Append(ref rest, records[i].Data.Base64.Span);
            Append(ref rest, KeyField);
            AppendText(ref rest, records[i].PartitionKey, escapedKeys[i]);
            if (records[i].ExplicitHashKey is { } hashKey)
            {
                Append(ref rest, HashKeyField);
                AppendText(ref rest, hashKey, escapedHashKeys[i]);
            }

            Append(ref rest, RecordEnd);
        }

        Append(ref rest, Close);
        return rest.IsEmpty ? body : throw new InvalidOperationException($"PutRecords body: {rest.Length} bytes computed but not written.");
    }

    /// <summary>
    /// The body's length, and the texts that need escaping, encoded ahead (null where a text is printable
    /// ASCII, written as it is).
    /// </summary>
    private static int Measure(PutRecordsRequest request, out byte[]? escapedName, out byte[]? escapedArn, out byte[]?[] escapedKeys, out byte[]?[] escapedHashKeys)
    {
        var records = request.Records;
        escapedKeys = new byte[]?[records.Count];
        escapedHashKeys = new byte[]?[records.Count];
        escapedArn = null;
        var length = Open.Length + EncodedLength(request.StreamName, out escapedName)
            + (request.StreamARN is { } streamArn ? ArnField.Length + EncodedLength(streamArn, out escapedArn) : 0)
            + RecordsField.Length + Close.Length;
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            length += (i > 0 ? 1 : 0) + DataField.Length + record.Data.Base64.Length + KeyField.Length + EncodedLength(record.PartitionKey, out escapedKeys[i])
                + (record.ExplicitHashKey is { } hashKey ? HashKeyField.Length + EncodedLength(hashKey, out escapedHashKeys[i]) : 0) + RecordEnd.Length;
        }

        return length;
    }

    /// <summary>How many bytes the text takes between a JSON string's quotes; <paramref name="escaped"/> holds them when it needs escaping.</summary>
    private static int EncodedLength(string text, out byte[]? escaped)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~' or '"' or '\\')
            {
                escaped = JsonEncodedText.Encode(text, Encoder).EncodedUtf8Bytes.ToArray();
                return escaped.Length;
            }
        }

        escaped = null;
        return text.Length;
    }

    /// <param name="escaped">What <see cref="EncodedLength"/> gave for the text: its escaped form, or null when it is written as it is.</param>
    private static void AppendText(ref Span<byte> rest, string text, byte[]? escaped)
    {
        if (escaped is not null)
        {
            Append(ref rest, escaped);
        }
        else
        {
            rest = rest[Encoding.ASCII.GetBytes(text, rest)..];
        }
    }

    private static void Append(ref Span<byte> rest, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(rest);
        rest = rest[bytes.Length..];
    }
}
