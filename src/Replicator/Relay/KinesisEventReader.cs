using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

/// <summary>
/// Reads a Kinesis event straight into a <see cref="SourceBatch"/>: each record's base64 <c>data</c>
/// stays a slice of the payload (checked, never decoded or copied), and the fields every record
/// repeats (its stream ARN, its shard) are compared as bytes instead of made into strings. This is
/// the relay's hot path; a field it needs and does not find is named with the record's index and
/// sequence number.
/// </summary>
internal static class KinesisEventReader
{
    /// <exception cref="MalformedEventException">The payload is not a Kinesis event, or a record lacks a field the relay needs.</exception>
    public static SourceBatch Read(ReadOnlyMemory<byte> payload)
    {
        try
        {
            return ReadRecords(payload);
        }
        catch (JsonException e)
        {
            throw new MalformedEventException($"The event is not a Kinesis event: {e.Message}");
        }
    }

    private static SourceBatch ReadRecords(ReadOnlyMemory<byte> payload)
    {
        var reader = new Utf8JsonReader(payload.Span);
        if (!reader.Read() || reader.TokenType == JsonTokenType.Null)
        {
            throw new MalformedEventException("The event is JSON null, not a Kinesis event.");
        }

        if (reader.TokenType != JsonTokenType.StartObject || !FindProperty(ref reader, "Records"u8) || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new MalformedEventException("The event has no 'Records' array: it is not a Kinesis event.");
        }

        var records = new List<SourceRecord>();
        string? streamName = null;
        string? shardId = null;
        byte[]? firstArn = null;
        byte[]? firstShard = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            var index = records.Count;
            var fields = ReadRecord(ref reader, payload);
            // Built only for an error: this runs for every record.
            string Where() => $"Records[{index}]";
            if (!fields.HasKinesis)
            {
                throw new MalformedEventException($"{Where()}.kinesis is missing.");
            }

            var sequenceNumber = fields.SequenceNumber ?? throw new MalformedEventException($"{Where()}.kinesis.sequenceNumber is missing.");
            var partitionKey = fields.PartitionKey ?? throw new MalformedEventException($"{Where()} (sequence number {sequenceNumber}): kinesis.partitionKey is missing.");
            var data = fields.Data ?? throw new MalformedEventException($"{Where()} (sequence number {sequenceNumber}): kinesis.data is missing.");
            var arn = fields.EventSourceArn ?? throw new MalformedEventException($"{Where()} (sequence number {sequenceNumber}): eventSourceARN is missing.");
            var eventId = fields.EventId ?? throw new MalformedEventException($"{Where()} (sequence number {sequenceNumber}): eventID is missing.");
            if (!IsBase64(data.Base64.Span))
            {
                throw new MalformedEventException($"{Where()} (sequence number {sequenceNumber}): kinesis.data is not base64.");
            }

            var shard = ShardOf(eventId.Span);
            if (firstArn is null)
            {
                var whereFirst = $"{Where()} (sequence number {sequenceNumber})";
                streamName = StreamNameOf(Encoding.UTF8.GetString(arn.Span), whereFirst);
                shardId = shard.Length > 0 ? Encoding.UTF8.GetString(shard) : throw NotShardAndSequence(eventId.Span, whereFirst);
                firstArn = arn.ToArray();
                firstShard = shard.ToArray();
            }
            else if (!arn.Span.SequenceEqual(firstArn) || !shard.SequenceEqual(firstShard))
            {
                var whereOther = $"{Where()} (sequence number {sequenceNumber})";
                var otherShard = shard.Length > 0 ? Encoding.UTF8.GetString(shard) : throw NotShardAndSequence(eventId.Span, whereOther);
                throw new MalformedEventException(
                    $"{whereOther} is from {StreamNameOf(Encoding.UTF8.GetString(arn.Span), whereOther)}/{otherShard} but the batch began with {streamName}/{shardId}; a Kinesis event holds one shard.");
            }

            var arrival = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(fields.ArrivalTimestamp * 1000));
            records.Add(new SourceRecord(index, sequenceNumber, partitionKey, data, arrival));
        }

        return records.Count == 0 ? new SourceBatch("", "", []) : new SourceBatch(streamName!, shardId!, records);
    }

    private ref struct RecordFields
    {
        public bool HasKinesis;
        public string? SequenceNumber;
        public string? PartitionKey;
        public Base64Data? Data;
        public double ArrivalTimestamp;
        public ReadOnlyMemory<byte>? EventSourceArn;
        public ReadOnlyMemory<byte>? EventId;
    }

    /// <summary>Reads one element of Records, positioned on its StartObject; ends on its EndObject.</summary>
    private static RecordFields ReadRecord(ref Utf8JsonReader reader, ReadOnlyMemory<byte> payload)
    {
        var fields = default(RecordFields);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("kinesis"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    fields.HasKinesis = true;
                    ReadKinesis(ref reader, payload, ref fields);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("eventSourceARN"u8))
            {
                reader.Read();
                fields.EventSourceArn = StringSlice(ref reader, payload);
            }
            else if (reader.ValueTextEquals("eventID"u8))
            {
                reader.Read();
                fields.EventId = StringSlice(ref reader, payload);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return fields;
    }

    private static void ReadKinesis(ref Utf8JsonReader reader, ReadOnlyMemory<byte> payload, ref RecordFields fields)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                fields.Data = StringSlice(ref reader, payload) is { } data ? new Base64Data(data) : null;
            }
            else if (reader.ValueTextEquals("partitionKey"u8))
            {
                reader.Read();
                fields.PartitionKey = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("sequenceNumber"u8))
            {
                reader.Read();
                fields.SequenceNumber = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("approximateArrivalTimestamp"u8))
            {
                reader.Read();
                fields.ArrivalTimestamp = reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : 0;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>The current string token's text as a slice of the payload, unescaped into a copy only when it holds escapes.</summary>
    private static ReadOnlyMemory<byte>? StringSlice(ref Utf8JsonReader reader, ReadOnlyMemory<byte> payload)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return null;
        }

        return reader.ValueIsEscaped
            ? Encoding.UTF8.GetBytes(reader.GetString()!)
            : payload.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
    }

    private static readonly SearchValues<byte> Base64Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8);

    /// <summary>
    /// Standard padded base64, as Lambda sends it: whole 4-character groups of the alphabet, with '='
    /// only as the last one or two characters. One vectorized scan, without decoding: this runs for
    /// every record's data, and decoding each into a scratch buffer cost the read a third of its time.
    /// </summary>
    private static bool IsBase64(ReadOnlySpan<byte> text)
    {
        if (text.Length % 4 != 0)
        {
            return false;
        }

        var padding = text is [.., (byte)'=', (byte)'='] ? 2 : text is [.., (byte)'='] ? 1 : 0;
        return !text[..^padding].ContainsAnyExcept(Base64Alphabet);
    }

    /// <summary>Moves to the value of a top-level property, skipping the others.</summary>
    private static bool FindProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var found = reader.ValueTextEquals(name);
            reader.Read();
            if (found)
            {
                return true;
            }

            reader.Skip();
        }

        return false;
    }

    // shardId-000000000000:49590338271490256608559692538361571095921575989136588898
    private static ReadOnlySpan<byte> ShardOf(ReadOnlySpan<byte> eventId)
    {
        var colon = eventId.IndexOf((byte)':');
        return colon > 0 ? eventId[..colon] : [];
    }

    private static MalformedEventException NotShardAndSequence(ReadOnlySpan<byte> eventId, string where) =>
        new($"{where}: eventID '{Encoding.UTF8.GetString(eventId)}' is not 'shardId:sequenceNumber'.");

    private static string StreamNameOf(string arn, string where) =>
        StreamArns.StreamName(arn) ?? throw new MalformedEventException($"{where}: eventSourceARN '{arn}' is not a Kinesis stream ARN.");
}
