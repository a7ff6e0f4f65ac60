using System.Text;
using Amazon.S3.Model;
using Replicator.Archive;
using Replicator.Aws.Kinesis;
using Replicator.LocalCloud.Archive;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Verification;

namespace Replicator.Tests.LocalCloud;

/// <summary>The archive path on the local cloud: stream → the Firehose stand-in → the transformation handler → GZIP JSON lines in S3.</summary>
[Collection(LocalCloudCollection.Name)]
public sealed class LocalFirehoseTests(LocalCloudFixture fixture)
{
    [Fact]
    public async Task Every_record_lands_once_in_the_archive_under_its_stream_and_hour_byte_for_byte()
    {
        var stream = await fixture.CreateStreamAsync("archive", fixture.RegionA, shards: 2);
        var kinesis = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        var cdc = CdcProducer.Generate(400, keys: 40, DateTimeOffset.UtcNow.AddHours(-3));
        await new CdcProducer(kinesis, stream).ProduceAsync(cdc, 100, null, CancellationToken.None);
        byte[][] opaque = [[], [0, 1, 2, 255], Encoding.UTF8.GetBytes("not json")];
        await kinesis.PutRecordsAsync(new PutRecordsRequest(stream, opaque.Select((d, i) => new PutRecordsRequestEntry(Base64Data.FromBytes(d), $"opaque-{i}")).ToList()), CancellationToken.None);
        var total = cdc.Count + opaque.Length;
        var bucket = $"archive-{Guid.NewGuid():N}"[..24];
        using var s3 = fixture.Cloud.CreateS3Client(fixture.RegionA);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });

        await new LocalFirehose(fixture.Cloud, fixture.RegionA, stream, bucket, ArchiveTransformFunction.Create(LocalFunctionEnvironment.ArchiveTransform(fixture.Cloud, fixture.RegionA)).HandleAsync, TextWriter.Null)
            .ArchiveAsync(total, TimeSpan.FromSeconds(60), CancellationToken.None);

        var archived = await ArchiveContents.ReadAsync(s3, bucket, "archive/", CancellationToken.None);
        Assert.Equal(total, archived.Count);
        var sent = cdc.Select(r => (PartitionKey: r.PartitionKey, Data: r.ToJson())).Concat(opaque.Select((d, i) => (PartitionKey: $"opaque-{i}", Data: d))).ToList();
        Assert.Equal(
            sent.Select(s => (s.PartitionKey, Convert.ToBase64String(s.Data))).Order(),
            archived.Select(a => (a.Envelope.PartitionKey, Convert.ToBase64String(a.Envelope.Data.ToArray()))).Order());
        Assert.All(archived, a => Assert.StartsWith($"archive/stream={stream}/hour={a.Envelope.EventHour}/bucket={ArchiveBuckets.Name(ArchiveBuckets.Of(a.Envelope.PartitionKey))}/", a.Key, StringComparison.Ordinal));
        Assert.All(archived.Where(a => a.Envelope.PartitionKey.StartsWith("opaque", StringComparison.Ordinal)), a => Assert.Null(a.Envelope.CommitTimestamp));
        Assert.Equal(cdc.Select(r => CdcRecord.Parse(r.ToJson()).CommitTimestamp).Order(), archived.Select(a => a.Envelope.CommitTimestamp).OfType<DateTimeOffset>().Order());
    }

    /// <summary>
    /// Issue 19: forty tenants' records over two commit hours (a steady flow's most in one buffer interval).
    /// Listed at deploy, the tenants get 4 buckets (ArchiveBuckets.ForTenants, as the template chooses) and
    /// fit Firehose's default 500 active partitions; unlisted, each tenant's keys spread over 16 buckets and
    /// the same records overflow it.
    /// </summary>
    [Fact]
    public async Task Tenants_listed_at_deploy_fit_the_default_partition_quota_where_sixteen_buckets_would_not()
    {
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.AddDays(-3).UtcDateTime.Date, TimeSpan.Zero);
        var tenants = Enumerable.Range(0, 40).Select(t => $"t{t}").ToList();
        var records = Enumerable.Range(0, 720).Select(i => new CdcRecord(4_000_000_000L + i, 0, start.AddSeconds(i * 10)) { Tenant = tenants[i % 40] }).ToList();

        var listed = await Replicator.LocalCloud.Replay.ArchivedStream.CreateAsync(fixture.Cloud, fixture.RegionA, records, shards: 2, CancellationToken.None, tenantField: "tenant", tenants: tenants);
        var unlisted = await Replicator.LocalCloud.Replay.ArchivedStream.CreateAsync(fixture.Cloud, fixture.RegionA, records, shards: 2, CancellationToken.None, tenantField: "tenant");

        Assert.Equal(4, ArchiveBuckets.ForTenants(tenants.Count));
        Assert.Equal(0, listed.Overflowed);
        Assert.True(unlisted.Overflowed > 0, "with 16 buckets per tenant the same records should pass the 500 partitions");
        using var s3 = fixture.Cloud.CreateS3Client(fixture.RegionA);
        var archived = await ArchiveContents.ReadAsync(s3, listed.Bucket, "archive/", CancellationToken.None);
        Assert.Equal(records.Count, archived.Count);
        Assert.All(archived, a => Assert.Contains($"/tenant={CdcRecord.Parse(a.Envelope.Data.ToArray()).Tenant}/bucket={ArchiveBuckets.Name(ArchiveBuckets.Of(a.Envelope.PartitionKey, 4), 4)}/", a.Key, StringComparison.Ordinal));
    }

    /// <summary>
    /// Issue 14: dynamic partitioning holds at most the quota of active partitions, and beyond it the
    /// records go to the error prefix as activePartitionExceeded, none lost. A backlog whose commits
    /// span many hours (a catch-up, a backfill) makes hours × 16 buckets partitions within one buffer
    /// interval: with a quota of 20, 40 hours of records overflow it.
    /// </summary>
    [Fact]
    public async Task Past_the_active_partition_quota_records_go_to_the_error_prefix_and_none_is_lost()
    {
        var stream = await fixture.CreateStreamAsync("archivequota", fixture.RegionA);
        var kinesis = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        var start = DateTimeOffset.UtcNow.AddDays(-3);
        var cdc = Enumerable.Range(0, 200).Select(i => new CdcRecord(4_000_000_000L + i, 0, start.AddMinutes(i * 12))).ToList();
        await new CdcProducer(kinesis, stream).ProduceAsync(cdc, 200, null, CancellationToken.None);
        var bucket = $"archive-{Guid.NewGuid():N}"[..24];
        using var s3 = fixture.Cloud.CreateS3Client(fixture.RegionA);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        var firehose = new LocalFirehose(fixture.Cloud, fixture.RegionA, stream, bucket, ArchiveTransformFunction.Create(LocalFunctionEnvironment.ArchiveTransform(fixture.Cloud, fixture.RegionA)).HandleAsync, TextWriter.Null, activePartitionQuota: 20);

        await firehose.ArchiveAsync(cdc.Count, TimeSpan.FromSeconds(60), CancellationToken.None);

        var archived = await ArchiveContents.ReadAsync(s3, bucket, "archive/", CancellationToken.None);
        var errorLines = await ErrorLinesAsync(s3, bucket, LocalFirehose.ActivePartitionExceededPrefix);
        Assert.InRange(archived.Select(a => a.Key[..(a.Key.LastIndexOf('/') + 1)]).Distinct().Count(), 1, 20);
        Assert.Equal(firehose.ActivePartitionExceededRecords, errorLines.Count);
        Assert.True(errorLines.Count > 0, "40 hours of records should overflow 20 active partitions");
        Assert.All(errorLines, l => Assert.Contains("\"errorCode\":\"activePartitionExceeded\"", l, StringComparison.Ordinal));
        Assert.Equal(cdc.Count, archived.Count + errorLines.Count);
    }

    private static async Task<List<string>> ErrorLinesAsync(Amazon.S3.IAmazonS3 s3, string bucket, string prefix)
    {
        var lines = new List<string>();
        foreach (var entry in (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix })).S3Objects ?? [])
        {
            using var response = await s3.GetObjectAsync(bucket, entry.Key);
            using var gzip = new System.IO.Compression.GZipStream(response.ResponseStream, System.IO.Compression.CompressionMode.Decompress);
            using var reader = new StreamReader(gzip);
            lines.AddRange((await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        return lines;
    }
}
