using System.Text;
using Amazon.DynamoDBv2.Model;

namespace Replicator.Benchmarks.Checkpoints;

/// <summary>
/// An item's size as DynamoDB counts it for capacity and the 400 KB limit ("Item sizes and formats",
/// DynamoDB Developer Guide): each attribute's name in UTF-8 bytes plus its value, a string its UTF-8
/// bytes, a number about one byte per two digits plus one, a map or list 3 bytes plus its elements plus
/// one byte each.
/// </summary>
public static class DynamoItemSize
{
    public static int Of(IReadOnlyDictionary<string, AttributeValue> item) => item.Sum(a => Encoding.UTF8.GetByteCount(a.Key) + Of(a.Value));

    private static int Of(AttributeValue value) => value switch
    {
        { S: { } s } => Encoding.UTF8.GetByteCount(s),
        { B: { } b } => (int)b.Length,
        { N: { } n } => ((n.Count(char.IsAsciiDigit) + 1) / 2) + 1,
        { M: { } m } => 3 + m.Sum(e => Encoding.UTF8.GetByteCount(e.Key) + Of(e.Value) + 1),
        { L: { } l } => 3 + l.Sum(e => Of(e) + 1),
        _ => 1,
    };
}
