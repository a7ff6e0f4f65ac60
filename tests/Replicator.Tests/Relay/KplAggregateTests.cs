using System.Security.Cryptography;
using Replicator.Aws.Kinesis;
using Replicator.Relay;

namespace Replicator.Tests.Relay;

public sealed class KplAggregateTests
{
    /// <summary>
    /// The bytes written by hand from the KPL's aggregation format (amazon-kinesis-producer,
    /// aggregation-format.md): magic F3 89 9A C2; AggregatedRecord with partition_key_table (field 1)
    /// ["k"] and records (field 3) {partition_key_index (1): 0, data (3): "a"} and {0, "bc"}; then the
    /// MD5 of the AggregatedRecord bytes. Pinned here, not by the protobuf library that writes them.
    /// </summary>
    [Fact]
    public void Encodes_the_KPL_aggregation_format()
    {
        byte[] body = [0x0A, 0x01, (byte)'k', 0x1A, 0x05, 0x08, 0x00, 0x1A, 0x01, (byte)'a', 0x1A, 0x06, 0x08, 0x00, 0x1A, 0x02, (byte)'b', (byte)'c'];

        var aggregate = KplAggregate.Encode("k", [Data("a"), Data("bc")]);

        Assert.Equal([0xF3, 0x89, 0x9A, 0xC2, .. body, .. MD5.HashData(body)], aggregate);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(120)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(16_379)]
    [InlineData(16_384)]
    [InlineData(1_000_000)]
    public void Its_size_is_known_before_it_is_written(int dataLength)
    {
        var records = new[] { Base64Data.FromBytes(new byte[dataLength]), Base64Data.FromBytes(new byte[7]) };
        var key = new string('p', dataLength % 300 + 1);

        var aggregate = KplAggregate.Encode(key, records);

        Assert.Equal(KplAggregate.EmptySize(key) + records.Sum(r => KplAggregate.RecordSize(r.Length)), aggregate.Length);
    }

    [Fact]
    public void Splits_into_its_records_in_order_as_a_KCL_consumer_does()
    {
        var aggregate = KplAggregate.Encode("orders#42", [Data("first"), Data(""), Data("third")]);

        var records = KplAggregate.Split(aggregate);

        Assert.Equal([("orders#42", "first"), ("orders#42", ""), ("orders#42", "third")], records!.Select(r => (r.PartitionKey, System.Text.Encoding.UTF8.GetString(r.Data))));
        Assert.True(KplAggregate.IsAggregate(Base64Data.FromBytes(aggregate)));
    }

    /// <summary>KCL hands a record over whole when it lacks the magic bytes or its checksum does not match.</summary>
    [Fact]
    public void A_record_without_the_magic_bytes_or_with_a_wrong_checksum_is_one_record()
    {
        var aggregate = KplAggregate.Encode("k", [Data("a"), Data("b")]);
        aggregate[^1] ^= 0xFF;

        Assert.Null(KplAggregate.Split(aggregate));
        Assert.Null(KplAggregate.Split("{\"id\":1}"u8.ToArray()));
        Assert.False(KplAggregate.IsAggregate(Data("{\"id\":1}")));
        Assert.False(KplAggregate.IsAggregate(Data("ab")));
    }

    private static Base64Data Data(string text) => Base64Data.FromBytes(System.Text.Encoding.UTF8.GetBytes(text));
}
