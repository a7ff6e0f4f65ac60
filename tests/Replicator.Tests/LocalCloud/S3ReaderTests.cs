using Amazon.S3.Model;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.S3;

namespace Replicator.Tests.LocalCloud;

/// <summary>The replay's S3 reads against s3rver, which checks every signature.</summary>
[Collection(LocalCloudCollection.Name)]
public sealed class S3ReaderTests(LocalCloudFixture fixture)
{
    [Fact]
    public async Task Lists_every_key_under_a_prefix_across_pages_and_reads_objects_with_partition_style_keys()
    {
        var bucket = $"reader-{Guid.NewGuid():N}"[..20];
        using var s3 = fixture.Cloud.CreateS3Client(fixture.RegionA);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        var keys = Enumerable.Range(0, 1005).Select(i => $"archive/stream=orders/hour=2026-11-25-{i % 24:00}/part {i:0000}+x.gz").ToList();
        foreach (var key in keys)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key, UseChunkEncoding = false });
        }

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "elsewhere/x", ContentBody = "x", UseChunkEncoding = false });
        var reader = new S3Reader(new AwsServiceOptions(fixture.RegionA, fixture.Cloud.Credentials, AwsEnvironment.HttpClient) { EndpointOverride = fixture.Cloud.Region(fixture.RegionA).S3Endpoint });

        var listed = (await reader.ListAsync(bucket, "archive/stream=orders/", CancellationToken.None)).Select(o => o.Key);
        var body = await reader.GetObjectAsync(bucket, keys[7], CancellationToken.None);

        Assert.Equal(keys.Order(StringComparer.Ordinal), listed);
        Assert.Equal(keys[7], System.Text.Encoding.UTF8.GetString(body));
        var missing = await Assert.ThrowsAsync<AwsServiceException>(() => reader.GetObjectAsync(bucket, "archive/none", CancellationToken.None));
        Assert.Equal("NoSuchKey", missing.ErrorCode);
    }
}
