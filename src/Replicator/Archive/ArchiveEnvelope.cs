using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Replicator.Aws.Kinesis;
using Replicator.Relay;

namespace Replicator.Archive;

/// <summary>
/// One archived record, as one JSON line: what a replay needs to re-publish it exactly (partition key,
/// shard, sequence number, arrival time, commit timestamp when the payload has one, the bytes in base64).
/// The bytes are never interpreted: binary, empty or non-JSON payloads come back byte for byte.
/// </summary>
public sealed record ArchiveEnvelope(string PartitionKey, string ShardId, string SequenceNumber, DateTimeOffset ArrivalTime, DateTimeOffset? CommitTimestamp, Base64Data Data)
{
    private static readonly JsonWriterOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The hour the record belongs to in the archive's prefixes: its commit's, or its arrival's when it has none.</summary>
    public string EventHour => (CommitTimestamp ?? ArrivalTime).UtcDateTime.ToString("yyyy-MM-dd-HH", CultureInfo.InvariantCulture);

    /// <summary>The envelope as one JSON line, newline included, so Firehose's concatenated objects stay a JSON-lines file.</summary>
    public byte[] ToJsonLine()
    {
        var buffer = new ArrayBufferWriter<byte>(Data.Base64.Length + 256);
        using (var json = new Utf8JsonWriter(buffer, LineOptions))
        {
            json.WriteStartObject();
            json.WriteString("partitionKey", PartitionKey);
            json.WriteString("shardId", ShardId);
            json.WriteString("sequenceNumber", SequenceNumber);
            json.WriteString("arrivalTime", CommitTimestamps.Format(ArrivalTime));
            if (CommitTimestamp is { } commit)
            {
                json.WriteString("commitTimestamp", CommitTimestamps.Format(commit));
            }

            json.WriteString("data", Data.Base64.Span);
            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="JsonException">The line is not an archive envelope; the message names what is missing.</exception>
    public static ArchiveEnvelope Parse(ReadOnlySpan<byte> line)
    {
        using var document = JsonDocument.Parse(line.ToArray());
        var root = document.RootElement;
        string Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new JsonException($"The archive line has no '{name}'.");
        return new ArchiveEnvelope(
            Text("partitionKey"),
            Text("shardId"),
            Text("sequenceNumber"),
            DateTimeOffset.Parse(Text("arrivalTime"), CultureInfo.InvariantCulture),
            root.TryGetProperty("commitTimestamp", out var commit) ? DateTimeOffset.Parse(commit.GetString()!, CultureInfo.InvariantCulture) : null,
            new Base64Data(System.Text.Encoding.UTF8.GetBytes(Text("data"))));
    }
}
