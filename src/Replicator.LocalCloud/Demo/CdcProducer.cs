using Replicator.Aws.Kinesis;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;

namespace Replicator.LocalCloud.Demo;

/// <summary>
/// Writes CDC records into a stream in per-key order, through the relay's own ordering-safe delivery
/// (a producer that put two records of one key into one PutRecords request could reorder them too).
/// </summary>
public sealed class CdcProducer(KinesisClient client, string streamName)
{
    private readonly RecordDelivery _delivery = new(new KinesisPutRecordsTarget(client), PutRecordsLimits.Kinesis, TimeProvider.System);

    /// <summary>
    /// Records with <paramref name="keys"/> distinct 10-digit keys (as seed 004's generator makes), commit
    /// timestamps one millisecond apart. Keys are drawn uniformly, or Zipf-skewed when an exponent is given.
    /// </summary>
    public static IReadOnlyList<CdcRecord> Generate(int count, int keys, DateTimeOffset start, double? zipfExponent = null, int seed = 42)
    {
        var random = new Random(seed);
        var keyIds = Enumerable.Range(0, keys).Select(_ => random.NextInt64(1_000_000_000, 10_000_000_000)).ToArray();
        var pickKey = zipfExponent is { } exponent ? ZipfPicker(keys, exponent, random) : () => random.Next(keys);
        var next = new Dictionary<long, long>();
        return Enumerable.Range(0, count).Select(i =>
        {
            var key = keyIds[pickKey()];
            var n = next.GetValueOrDefault(key);
            next[key] = n + 1;
            return new CdcRecord(key, n, start.AddMilliseconds(i));
        }).ToArray();
    }

    /// <summary>Records whose keys are all different: the best case for batching, one request per 500 records.</summary>
    public static IReadOnlyList<CdcRecord> GenerateDistinct(int count, DateTimeOffset start) =>
        Enumerable.Range(0, count).Select(i => new CdcRecord(1_000_000_000L + i, 0, start.AddMilliseconds(i))).ToArray();

    /// <summary>Draws rank r (0-based) with probability proportional to 1 / (r + 1)^exponent.</summary>
    private static Func<int> ZipfPicker(int keys, double exponent, Random random)
    {
        var cumulative = new double[keys];
        var total = 0.0;
        for (var rank = 0; rank < keys; rank++)
        {
            total += 1.0 / Math.Pow(rank + 1, exponent);
            cumulative[rank] = total;
        }

        return () =>
        {
            var index = Array.BinarySearch(cumulative, random.NextDouble() * total);
            return Math.Min(index < 0 ? ~index : index, keys - 1);
        };
    }

    /// <summary>Writes one chunk, a key's records in order; returns how many leading records are acknowledged.</summary>
    public async Task<int> ProduceChunkAsync(IReadOnlyList<CdcRecord> chunk, CancellationToken cancellationToken)
    {
        var outcome = await _delivery.DeliverAsync(streamName, ToSourceRecords(chunk), DateTimeOffset.UtcNow.AddSeconds(10), cancellationToken).ConfigureAwait(false);
        return outcome.DurablePrefix;
    }

    /// <summary>Writes the records in chunks; returns only once every record is acknowledged.</summary>
    public async Task ProduceAsync(IReadOnlyList<CdcRecord> records, int chunkSize, IProgress<int>? produced, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < records.Count; offset += chunkSize)
        {
            var chunk = ToSourceRecords(records.Skip(offset).Take(chunkSize));
            var outcome = await _delivery.DeliverAsync(streamName, chunk, DateTimeOffset.UtcNow.AddMinutes(1), cancellationToken).ConfigureAwait(false);
            if (outcome.Error is { } error)
            {
                throw new InvalidOperationException($"Producing into {streamName} failed after {offset + outcome.DurablePrefix} records.", error);
            }

            if (!outcome.Complete(chunk.Length))
            {
                throw new TimeoutException($"Producing into {streamName}: {chunk.Length - outcome.DurablePrefix} records of a chunk were not acknowledged within a minute.");
            }

            produced?.Report(offset + chunk.Length);
        }
    }

    /// <summary>The records as the relay's delivery takes them: in order, a key's records oldest first.</summary>
    private static SourceRecord[] ToSourceRecords(IEnumerable<CdcRecord> records) =>
        records.Select((r, i) => new SourceRecord(i, "0", r.PartitionKey, Base64Data.FromBytes(r.ToJson()), r.CommitTimestamp)).ToArray();
}
