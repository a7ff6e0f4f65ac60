using System.Security.Cryptography;
using Google.Protobuf;
using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

/// <summary>
/// The Kinesis Producer Library's aggregated record (amazon-kinesis-producer, aggregation-format.md): the
/// magic bytes F3 89 9A C2, then an <c>AggregatedRecord</c> protocol buffer (field 1 the partition key
/// table, 3 the records, each with field 1 its key's index and 3 its data), then the MD5 of that buffer.
/// KCL consumers and the aws-kinesis-agg libraries split it back into its user records, each with its
/// own partition key and a subsequence number under the aggregate's sequence number; a record that does
/// not start with the magic bytes, or whose MD5 does not match, is handed over as it is.
/// The relay aggregates only runs of one key, so an aggregate lands in the key's shard.
/// </summary>
public static class KplAggregate
{
    private const int ChecksumBytes = 16;

    private static ReadOnlySpan<byte> Magic => [0xF3, 0x89, 0x9A, 0xC2];

    /// <summary>The size of an aggregate of one key, without records (magic, key table, checksum).</summary>
    public static int EmptySize(string partitionKey) =>
        Magic.Length + 1 + CodedOutputStream.ComputeStringSize(partitionKey) + ChecksumBytes;

    /// <summary>What one user record of <paramref name="dataLength"/> bytes adds to an aggregate.</summary>
    public static int RecordSize(int dataLength)
    {
        var message = RecordMessageSize(dataLength);
        return 1 + CodedOutputStream.ComputeLengthSize(message) + message;
    }

    /// <summary>
    /// Whether <paramref name="data"/> starts with the magic bytes: a producer's own aggregate, which the
    /// relay must copy as it is (KCL splits one level only, so inside another it would reach consumers
    /// as one opaque record).
    /// </summary>
    public static bool IsAggregate(Base64Data data)
    {
        var base64 = data.Base64.Span;
        if (base64.Length < 8)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[6];
        return System.Buffers.Text.Base64.DecodeFromUtf8(base64[..8], head, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == 6 && head[..Magic.Length].SequenceEqual(Magic);
    }

    /// <summary>One aggregated record holding <paramref name="records"/>, all of <paramref name="partitionKey"/>, in order.</summary>
    public static byte[] Encode(string partitionKey, IReadOnlyList<Base64Data> records)
    {
        var size = EmptySize(partitionKey) + records.Sum(r => RecordSize(r.Length));
        var aggregate = new byte[size];
        var body = new CodedOutputStream(aggregate);
        body.WriteRawTag(Magic[0], Magic[1], Magic[2], Magic[3]);
        body.WriteTag(1, WireFormat.WireType.LengthDelimited);
        body.WriteString(partitionKey);
        foreach (var record in records)
        {
            var data = record.ToArray();
            body.WriteTag(3, WireFormat.WireType.LengthDelimited);
            body.WriteLength(RecordMessageSize(data.Length));
            body.WriteTag(1, WireFormat.WireType.Varint);
            body.WriteUInt64(0);
            body.WriteTag(3, WireFormat.WireType.LengthDelimited);
            body.WriteBytes(UnsafeByteOperations.UnsafeWrap(data));
        }

        body.Flush();
        if (body.SpaceLeft != ChecksumBytes)
        {
            throw new InvalidOperationException($"An aggregate's size was reckoned as {size} bytes, but its records left {body.SpaceLeft} for the {ChecksumBytes}-byte checksum.");
        }

        MD5.HashData(aggregate.AsSpan(Magic.Length, size - Magic.Length - ChecksumBytes), aggregate.AsSpan(size - ChecksumBytes));
        return aggregate;
    }

    /// <summary>
    /// The user records in <paramref name="data"/> (partition key, data), as a KCL consumer gets them; null
    /// where it is not an aggregate (no magic bytes, or a checksum that does not match), so it is one record.
    /// </summary>
    public static IReadOnlyList<(string PartitionKey, byte[] Data)>? Split(byte[] data)
    {
        if (data.Length < Magic.Length + ChecksumBytes || !data.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            return null;
        }

        var bodyLength = data.Length - Magic.Length - ChecksumBytes;
        if (!MD5.HashData(data.AsSpan(Magic.Length, bodyLength)).AsSpan().SequenceEqual(data.AsSpan(data.Length - ChecksumBytes)))
        {
            return null;
        }

        var keys = new List<string>();
        var records = new List<(ulong KeyIndex, byte[] Data)>();
        var input = new CodedInputStream(data, Magic.Length, bodyLength);
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    keys.Add(input.ReadString());
                    break;
                case 3:
                    records.Add(ReadRecord(input.ReadBytes().ToByteArray()));
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return records.Select(r => (r.KeyIndex < (ulong)keys.Count
            ? keys[(int)r.KeyIndex]
            : throw new InvalidDataException($"An aggregated record's user record names partition key {r.KeyIndex} of a table of {keys.Count}."), r.Data)).ToList();
    }

    private static (ulong KeyIndex, byte[] Data) ReadRecord(byte[] message)
    {
        var input = new CodedInputStream(message);
        ulong keyIndex = 0;
        var data = Array.Empty<byte>();
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    keyIndex = input.ReadUInt64();
                    break;
                case 3:
                    data = input.ReadBytes().ToByteArray();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return (keyIndex, data);
    }

    /// <summary>A Record message: partition_key_index 0 (tag and one byte), then data (tag, length, bytes).</summary>
    private static int RecordMessageSize(int dataLength) => 2 + 1 + CodedOutputStream.ComputeLengthSize(dataLength) + dataLength;
}
