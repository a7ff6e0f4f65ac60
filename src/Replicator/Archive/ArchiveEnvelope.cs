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
    /// <summary>
    /// The record's shard's ancestors as ListShards named them when it was archived: its parents (one
    /// after a split, two after a merge), theirs, and so on, nearest first; none for a shard the stream
    /// was created with. A replay puts a key's records back in order across reshards by them
    /// (<see cref="Replay.ShardLineageOrder"/>): all of them, not only the parents, because the shards
    /// between two of a key's shards may hold none of an hour's records. Absent in lines archived before
    /// issue 16, and when the transformation could not list the stream's shards.
    /// </summary>
    public IReadOnlyList<string> AncestorShardIds { get; init; } = [];

    /// <summary>Every field equal, the ancestors in the same order (a record compares a list by reference).</summary>
    public bool Equals(ArchiveEnvelope? other) =>
        other is not null
        && (PartitionKey, ShardId, SequenceNumber, ArrivalTime, CommitTimestamp, Data) == (other.PartitionKey, other.ShardId, other.SequenceNumber, other.ArrivalTime, other.CommitTimestamp, other.Data)
        && AncestorShardIds.SequenceEqual(other.AncestorShardIds);

    public override int GetHashCode() => HashCode.Combine(PartitionKey, ShardId, SequenceNumber);

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
            if (AncestorShardIds.Count > 0)
            {
                json.WriteStartArray("ancestorShardIds");
                foreach (var ancestor in AncestorShardIds)
                {
                    json.WriteStringValue(ancestor);
                }

                json.WriteEndArray();
            }
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

    /// <summary>Reads a line with <see cref="Utf8JsonReader"/>, straight from its bytes: a replay lane reads every line of its range.</summary>
    /// <exception cref="JsonException">The line is not an archive envelope; the message names what is missing.</exception>
    public static ArchiveEnvelope Parse(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The archive line is not a JSON object.");
        }

        string? partitionKey = null, shardId = null, sequenceNumber = null;
        DateTimeOffset? arrivalTime = null, commitTimestamp = null;
        byte[]? data = null;
        List<string>? ancestors = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("partitionKey"u8))
            {
                partitionKey = StringValue(ref reader, "partitionKey");
            }
            else if (reader.ValueTextEquals("shardId"u8))
            {
                shardId = StringValue(ref reader, "shardId");
            }
            else if (reader.ValueTextEquals("sequenceNumber"u8))
            {
                sequenceNumber = StringValue(ref reader, "sequenceNumber");
            }
            else if (reader.ValueTextEquals("ancestorShardIds"u8))
            {
                ancestors = StringArray(ref reader, "ancestorShardIds");
            }
            else if (reader.ValueTextEquals("arrivalTime"u8))
            {
                arrivalTime = TimeValue(ref reader, "arrivalTime");
            }
            else if (reader.ValueTextEquals("commitTimestamp"u8))
            {
                commitTimestamp = TimeValue(ref reader, "commitTimestamp");
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                Next(ref reader, "data");
                // Base64 has nothing to escape: the value's bytes are the data's base64 text as written.
                data = reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan.ToArray();
            }
            else
            {
                reader.Skip();
            }
        }

        return new ArchiveEnvelope(
            partitionKey ?? throw Missing("partitionKey"),
            shardId ?? throw Missing("shardId"),
            sequenceNumber ?? throw Missing("sequenceNumber"),
            arrivalTime ?? throw Missing("arrivalTime"),
            commitTimestamp,
            new Base64Data(data ?? throw Missing("data")))
        { AncestorShardIds = ancestors ?? [] };
    }

    private static List<string> StringArray(ref Utf8JsonReader reader, string name)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"The archive line's '{name}' is not an array.");
        }

        var values = new List<string>(2);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException($"The archive line's '{name}' holds a value that is not a string."));
        }

        return values;
    }

    private static string StringValue(ref Utf8JsonReader reader, string name)
    {
        Next(ref reader, name);
        return reader.GetString()!;
    }

    private static DateTimeOffset TimeValue(ref Utf8JsonReader reader, string name)
    {
        Next(ref reader, name);
        return reader.TryGetDateTimeOffset(out var value) ? value : throw new JsonException($"The archive line's '{name}' is not a time: {reader.GetString()}.");
    }

    /// <summary>Moves to a property's value, which must be a string.</summary>
    private static void Next(ref Utf8JsonReader reader, string name)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"The archive line's '{name}' is not a string.");
        }
    }

    private static JsonException Missing(string name) => new($"The archive line has no '{name}'.");
}
