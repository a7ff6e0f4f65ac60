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

        await new LocalFirehose(fixture.Cloud, fixture.RegionA, stream, bucket, new ArchiveTransformFunction(tenantField: null).HandleAsync, TextWriter.Null)
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
}
