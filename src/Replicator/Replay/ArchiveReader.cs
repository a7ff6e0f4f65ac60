using Replicator.Archive;
using Replicator.Aws.S3;
using Replicator.Relay;

namespace Replicator.Replay;

/// <summary>
/// Reads the archive back an hour at a time, for one lane of a replay. A lane reads only the objects of
/// the buckets that hold its keys (<see cref="ArchiveBuckets"/>), so the lanes of a replay together read
/// the archive once (where an hour has fewer buckets than the replay has lanes, lanes share a bucket's
/// objects, each keeping its keys); an hour archived before buckets is read whole by every lane.
/// Within an hour, records are put back in the stream's order (<see cref="ShardLineageOrder"/>: by
/// sequence number within a shard, a shard after its ancestors, shards interleaved by arrival):
/// Firehose's objects need not sort the way their records arrived, but a key's records are in one
/// shard until a reshard moves them to a child, so that is every key's order. Copies Firehose
/// delivered twice (it delivers at least once) are read once. Records Firehose sent to the error
/// prefix past its active partition quota (<see cref="ArchiveOverflow"/>) are merged into their hour,
/// read once per range; a tenant's replay keeps those of its tenant, filed as the archive's
/// transformation files them (<see cref="TenantPrefix.Partition"/>, by the payload's
/// <paramref name="tenantField"/> and the <paramref name="tenants"/> listed at deploy).
/// </summary>
public sealed class ArchiveReader(S3Reader s3, string bucket, TimeProvider? time = null, string? tenantField = null, IReadOnlySet<string>? tenants = null)
{
    private readonly ArchiveOverflow _overflow = new(s3, bucket, time ?? TimeProvider.System);
    private (ReplayRange Range, ILookup<string, ArchiveEnvelope> ByHour)? _overflowed;

    /// <summary>Objects a lane fetches at once: S3 answers each GET after tens of milliseconds, and an hour holds one object a minute or more.</summary>
    private const int ConcurrentGets = 4;

    /// <summary>The lane a key replays in: every key of a bucket in the same lane.</summary>
    public static int LaneOf(string partitionKey, int lanes) => ArchiveBuckets.Of(partitionKey) % lanes;

    /// <summary>One hour's records of the range in lane <paramref name="lane"/> of <paramref name="lanes"/>, in replay order, and the lane's share of the hour.</summary>
    /// <remarks>An hour is held in memory to sort it; a lane keeps only its own records, so more lanes need less each.</remarks>
    public async Task<HourOfArchive> ReadHourAsync(ReplayRange range, string hour, int lane, int lanes, CancellationToken cancellationToken)
    {
        var objects = (await s3.ListAsync(bucket, range.HourPrefix(hour), cancellationToken).ConfigureAwait(false))
            .Select(o => (o.Key, o.Size, Bucket: ArchiveBuckets.InKey(o.Key)))
            .ToArray();
        var bucketed = objects.All(o => o.Bucket is not null);
        var mine = bucketed ? objects.Where(o => o.Bucket!.Value.LaneShare(lane, lanes) > 0).ToArray() : objects;

        var lines = new List<ArchiveEnvelope>[mine.Length];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, mine.Length),
            new ParallelOptions { MaxDegreeOfParallelism = ConcurrentGets, CancellationToken = cancellationToken },
            async (i, token) => lines[i] = Lines(await GetAsync(mine[i].Key, token).ConfigureAwait(false))).ConfigureAwait(false);

        var overflowed = (await OverflowedAsync(range, cancellationToken).ConfigureAwait(false))[hour].Where(r => OfTenant(r, range.Tenant));
        var records = new List<ArchiveEnvelope>();
        var inRange = 0;
        foreach (var record in lines.SelectMany(l => l).Concat(overflowed).Where(r => range.Contains(r.CommitTimestamp ?? r.ArrivalTime)))
        {
            inRange++;
            if (LaneOf(record.PartitionKey, lanes) == lane)
            {
                records.Add(record);
            }
        }

        var ordered = ShardLineageOrder.Order(records, hour);

        // A lane that read only its buckets knows the hour's size by its objects' sizes, not by their records.
        // An hour whose records all overflowed has no objects to measure: its records say the share.
        var share = bucketed && objects.Sum(o => o.Size) is var all and > 0
            ? mine.Sum(o => o.Size * o.Bucket!.Value.LaneShare(lane, lanes)) / all
            : inRange == 0 ? 0 : Math.Min(1, (double)records.Count / inRange);
        return new HourOfArchive(ordered, share, mine.Length);
    }

    private bool OfTenant(ArchiveEnvelope record, string? tenant) => tenant is null
        || TenantPrefix.Partition(record.Data.ToArray(), tenantField ?? throw new InvalidOperationException($"A replay of tenant {tenant} needs the archive's tenant field ({Archive.ArchiveEnvironment.TenantField}) to pick its records among those over the partition quota."), tenants) == tenant;

    private async Task<ILookup<string, ArchiveEnvelope>> OverflowedAsync(ReplayRange range, CancellationToken cancellationToken)
    {
        if (_overflowed is not { } read || read.Range != range)
        {
            var records = await _overflow.ReadAsync(range.From, GetAsync, cancellationToken).ConfigureAwait(false);
            read = (range, records.ToLookup(r => r.EventHour, StringComparer.Ordinal));
            _overflowed = read;
        }

        return read.ByHour;
    }

    private async Task<byte[]> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await s3.GetObjectAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        }
        catch (Aws.Json.AwsServiceException e) when (e.ErrorCode == "InvalidObjectState")
        {
            // The plan found it readable: its restored copy expired, or the lifecycle moved it since.
            throw new ArchivedObjectNotRestoredException(
                $"s3://{bucket}/{key} is in a Glacier storage class and not restored (its restored copy may have expired during the replay): {ArchiveRestore.Advice} {e.Message}");
        }
    }

    /// <summary>
    /// Every object a replay of the range reads: the range's hours (whose objects count as the archive's
    /// size for the range) and the overflow prefix's days from the range's start.
    /// </summary>
    public async Task<ArchiveSurvey> SurveyAsync(ReplayRange range, CancellationToken cancellationToken)
    {
        var hours = new List<S3ObjectSummary>();
        foreach (var prefix in range.HourPrefixes())
        {
            hours.AddRange(await s3.ListAsync(bucket, prefix, cancellationToken).ConfigureAwait(false));
        }

        var overflowed = await _overflow.ListAsync(range.From, cancellationToken).ConfigureAwait(false);
        return new ArchiveSurvey(bucket, hours, overflowed);
    }

    private static List<ArchiveEnvelope> Lines(byte[] gzipped) => ArchiveObject.Lines(gzipped).ConvertAll(line => ArchiveEnvelope.Parse(line.Span));
}

/// <param name="Records">The lane's records, in replay order, each once, with its position.</param>
/// <param name="Share">The lane's part of the hour (0 to 1): its share of the rate limits while it replays the hour.</param>
/// <param name="ObjectsRead">Objects the lane fetched for the hour.</param>
public sealed record HourOfArchive(IReadOnlyList<PlacedRecord> Records, double Share, int ObjectsRead);

/// <summary>Objects of the range are in a Glacier storage class and must be restored before they can be replayed; the message names them.</summary>
public sealed class ArchivedObjectNotRestoredException(string message) : Exception(message);
