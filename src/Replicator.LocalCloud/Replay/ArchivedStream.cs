using Amazon.S3.Model;
using Replicator.Archive;
using Replicator.LocalCloud.Archive;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.Verification;

namespace Replicator.LocalCloud.Replay;

/// <summary>A stream of a new name whose records were produced and then archived through the local Firehose into a bucket of a new name.</summary>
/// <param name="Overflowed">Records the Firehose sent to the error prefix, past its active partition quota.</param>
public sealed record ArchivedStream(string Region, string Stream, string Bucket, long Overflowed = 0)
{
    /// <param name="tenantField">The payload field the archive is split by tenant on (ArchiveTenantField), or null for none.</param>
    /// <param name="tenants">The tenants listed at deploy (Tenants), or null for none.</param>
    /// <param name="shardsAfterHalf">Given, the stream is rescaled to this many shards (UpdateShardCount) after half the records: the rest land in the children.</param>
    public static async Task<ArchivedStream> CreateAsync(
        TwoRegionCloud cloud,
        string region,
        IReadOnlyList<CdcRecord> records,
        int shards,
        CancellationToken cancellationToken,
        int activePartitionQuota = LocalFirehose.DefaultActivePartitionQuota,
        int? shardsAfterHalf = null,
        string? tenantField = null,
        IReadOnlyList<string>? tenants = null)
    {
        var run = $"{Guid.NewGuid():N}"[..12];
        var stream = $"archived-{run}";
        var kinesis = cloud.CreateKinesisClient(region);
        await kinesis.CreateStreamAsync(stream, shards, cancellationToken).ConfigureAwait(false);
        await kinesis.WaitUntilActiveAsync(stream, cancellationToken).ConfigureAwait(false);
        var producer = new CdcProducer(kinesis, stream);
        var beforeRescaling = shardsAfterHalf is null ? records.Count : records.Count / 2;
        await producer.ProduceAsync(records.Take(beforeRescaling).ToList(), 500, null, cancellationToken).ConfigureAwait(false);
        if (shardsAfterHalf is { } rescaled)
        {
            await cloud.ScaleAsync(region, stream, rescaled, cancellationToken).ConfigureAwait(false);
        }

        await producer.ProduceAsync(records.Skip(beforeRescaling).ToList(), 500, null, cancellationToken).ConfigureAwait(false);

        var bucket = $"archive-{run}";
        using var s3 = cloud.CreateS3Client(region);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false);
        var firehose = new LocalFirehose(cloud, region, stream, bucket, ArchiveTransformFunction.Create(LocalFunctionEnvironment.ArchiveTransform(cloud, region, tenantField, tenants)).HandleAsync, TextWriter.Null, activePartitionQuota);
        var archived = await firehose.ArchiveAsync(records.Count, TimeSpan.FromMinutes(2), cancellationToken, batchSize: 1000).ConfigureAwait(false);
        return archived == records.Count
            ? new ArchivedStream(region, stream, bucket, firehose.ActivePartitionExceededRecords)
            : throw new LocalCloudException($"The local Firehose archived {archived} of the {records.Count} records of {stream} in two minutes.");
    }
}
