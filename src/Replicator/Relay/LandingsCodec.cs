using System.Globalization;
using System.Numerics;
using System.Text;

namespace Replicator.Relay;

/// <summary>
/// A position sample's landings packed into one binary attribute, so a batch spread over hundreds of
/// target shards stays a few write units (a map attribute spends a shard id, two 56-digit strings and
/// three names per shard: 15 units for 100 records over 512 shards, against 4 packed). Per shard: its
/// id (the number in <c>shardId-</c> and twelve digits, or the whole id marked, should Kinesis
/// ever name one otherwise), the count, the first sequence number, and the last as a difference from the first.
/// </summary>
public static class LandingsCodec
{
    private const string Prefix = "shardId-";
    private const int Digits = 12;
    private const char WholeId = '!';

    public static byte[] Encode(IReadOnlyDictionary<string, TargetShardLanding> landings)
    {
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer);
        foreach (var (shardId, landing) in landings.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            writer.Write(shardId.StartsWith(Prefix, StringComparison.Ordinal) && shardId.Length == Prefix.Length + Digits && shardId[Prefix.Length..].All(char.IsAsciiDigit)
                ? shardId[Prefix.Length..].TrimStart('0')
                : WholeId + shardId);
            writer.Write7BitEncodedInt(landing.Count);
            var first = BigInteger.Parse(landing.FirstSequenceNumber, CultureInfo.InvariantCulture);
            var span = BigInteger.Parse(landing.LastSequenceNumber, CultureInfo.InvariantCulture) - first;
            WriteNumber(writer, span.Sign >= 0 ? first : throw new ArgumentException(
                $"Landing in {shardId}: last sequence number {landing.LastSequenceNumber} is before the first, {landing.FirstSequenceNumber}.", nameof(landings)));
            WriteNumber(writer, span);
        }

        writer.Flush();
        return buffer.ToArray();
    }

    /// <exception cref="InvalidDataException">The bytes are not landings this codec wrote.</exception>
    public static Dictionary<string, TargetShardLanding> Decode(ReadOnlySpan<byte> bytes)
    {
        var landings = new Dictionary<string, TargetShardLanding>(StringComparer.Ordinal);
        using var reader = new BinaryReader(new MemoryStream(bytes.ToArray()), Encoding.UTF8);
        try
        {
            while (reader.BaseStream.Position < reader.BaseStream.Length)
            {
                var id = reader.ReadString();
                var shardId = id.StartsWith(WholeId) ? id[1..] : Prefix + id.PadLeft(Digits, '0');
                var count = reader.Read7BitEncodedInt();
                var first = ReadNumber(reader);
                var last = first + ReadNumber(reader);
                landings[shardId] = new TargetShardLanding(first.ToString(CultureInfo.InvariantCulture), last.ToString(CultureInfo.InvariantCulture), count);
            }
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Position sample landings end mid-entry after {landings.Count} shards.", e);
        }

        return landings;
    }

    private static void WriteNumber(BinaryWriter writer, BigInteger value)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        writer.Write7BitEncodedInt(bytes.Length);
        writer.Write(bytes);
    }

    private static BigInteger ReadNumber(BinaryReader reader)
    {
        var length = reader.Read7BitEncodedInt();
        var bytes = reader.ReadBytes(length);
        return bytes.Length == length ? new BigInteger(bytes, isUnsigned: true, isBigEndian: true) : throw new EndOfStreamException();
    }
}
