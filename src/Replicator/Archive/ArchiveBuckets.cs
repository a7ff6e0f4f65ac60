using System.Globalization;
using System.Text;

namespace Replicator.Archive;

/// <summary>
/// The archive splits each hour of a stream into buckets by partition key (the <c>bucket=</c> level of
/// its prefixes), so a replay lane reads only the objects of its own buckets and a replay reads the
/// archive once, however many lanes it runs. A key is always in one bucket, so its records stay
/// together and in order. An archive with many tenants uses fewer buckets (a power of two below 16),
/// so that its prefixes fit Firehose's active-partition quota; such a bucket names its count
/// (<c>bucket=03of08</c>), and a key's bucket of a smaller count holds the keys of several buckets of
/// 16 (<c>hash mod count</c> of <c>hash mod 16</c>, as the count divides 16), so a replay reads hours
/// archived with any count, or several.
/// </summary>
public static class ArchiveBuckets
{
    /// <summary>The most buckets, and so the most lanes a replay can use: each lane owns at least one bucket of 16.</summary>
    public const int Count = 16;

    /// <summary>The counts an archive may use: the divisors of <see cref="Count"/>.</summary>
    public static readonly IReadOnlyList<int> Counts = [16, 8, 4, 2, 1];

    /// <summary>Firehose's active partitions per delivery stream unless raised (Firehose developer guide, "Buffer data for dynamic partitioning").</summary>
    public const int DefaultActivePartitionQuota = 500;

    /// <summary>
    /// Commit hours one buffer interval (60 s) meets in steady flow: the hour, and the next across its
    /// boundary. A catch-up spanning more hours overflows into the error prefix, which the replay reads.
    /// </summary>
    public const int ConcurrentHours = 2;

    /// <summary>Prefixes per hour besides the listed tenants': records without a tenant, and records of a tenant not listed.</summary>
    public const int UnlistedTenantPrefixes = 2;

    private const string Segment = "/bucket=";

    /// <summary>
    /// The most buckets with which <paramref name="tenants"/> listed tenants fit the quota: concurrent hours
    /// × (tenants + the two unlisted prefixes) × buckets ≤ quota. Null when even one bucket does not fit.
    /// template.yaml's ARCHIVE_BUCKETS table holds these values (TenantPartitionTests checks it).
    /// </summary>
    public static int? ForTenants(int tenants, int activePartitionQuota = DefaultActivePartitionQuota) =>
        Counts.Where(count => ConcurrentHours * (tenants + UnlistedTenantPrefixes) * count <= activePartitionQuota).Cast<int?>().FirstOrDefault();

    /// <summary>FNV-1a over the key's UTF-8 bytes: the same bucket for a key on every run and every machine.</summary>
    public static int Of(string partitionKey, int count = Count)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(partitionKey))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % Count % (uint)count);
    }

    /// <summary>The prefix value: two digits, so buckets list in order, and the count when it is not 16.</summary>
    public static string Name(int bucket, int count = Count) => count == Count
        ? bucket.ToString("00", CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{bucket:00}of{count:00}");

    /// <summary>The bucket an object key names (…/bucket=NN/… or …/bucket=NNofCC/…), or null for an object archived before buckets.</summary>
    public static ArchiveBucket? InKey(string objectKey)
    {
        var at = objectKey.IndexOf(Segment, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var value = objectKey.AsSpan(at + Segment.Length);
        var end = value.IndexOf('/');
        value = end < 0 ? value : value[..end];
        var of = value.IndexOf("of", StringComparison.Ordinal);
        var count = Count;
        if (of >= 0 && (!int.TryParse(value[(of + 2)..], NumberStyles.None, CultureInfo.InvariantCulture, out count) || !Counts.Contains(count)))
        {
            return null;
        }

        return int.TryParse(of < 0 ? value : value[..of], NumberStyles.None, CultureInfo.InvariantCulture, out var bucket) && bucket < count
            ? new ArchiveBucket(bucket, count)
            : null;
    }
}

/// <summary>Bucket <paramref name="Index"/> of an hour archived in <paramref name="Count"/> buckets.</summary>
public readonly record struct ArchiveBucket(int Index, int Count)
{
    /// <summary>
    /// The part of this bucket's keys that lane <paramref name="lane"/> of <paramref name="lanes"/> replays
    /// (0 to 1): a lane owns the keys of the buckets of 16 that are its number mod lanes, and this bucket
    /// holds those of 16 / Count of them.
    /// </summary>
    public double LaneShare(int lane, int lanes)
    {
        var owned = 0;
        for (var of16 = Index; of16 < ArchiveBuckets.Count; of16 += Count)
        {
            owned += of16 % lanes == lane ? 1 : 0;
        }

        return owned * Count / (double)ArchiveBuckets.Count;
    }
}
