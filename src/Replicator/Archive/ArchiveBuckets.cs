using System.Globalization;
using System.Text;

namespace Replicator.Archive;

/// <summary>
/// The archive splits each hour of a stream into a fixed number of buckets by partition key (the
/// <c>bucket=NN/</c> level of its prefixes), so a replay lane reads only the objects of its own
/// buckets and a replay reads the archive once, however many lanes it runs. A key is always in one
/// bucket, so its records stay together and in order.
/// </summary>
public static class ArchiveBuckets
{
    /// <summary>Also the most lanes a replay can use: each lane owns at least one bucket.</summary>
    public const int Count = 16;

    private const string Segment = "/bucket=";

    /// <summary>FNV-1a over the key's UTF-8 bytes: the same bucket for a key on every run and every machine.</summary>
    public static int Of(string partitionKey)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(partitionKey))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % Count);
    }

    /// <summary>The prefix value: two digits, so buckets list in order.</summary>
    public static string Name(int bucket) => bucket.ToString("00", CultureInfo.InvariantCulture);

    /// <summary>The bucket an object key names (…/bucket=NN/…), or null for an object archived before buckets.</summary>
    public static int? InKey(string objectKey)
    {
        var at = objectKey.IndexOf(Segment, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var value = objectKey.AsSpan(at + Segment.Length);
        var end = value.IndexOf('/');
        return int.TryParse(end < 0 ? value : value[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var bucket) && bucket < Count ? bucket : null;
    }
}
