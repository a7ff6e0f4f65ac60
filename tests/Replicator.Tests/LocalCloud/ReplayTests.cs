using Amazon.S3.Model;
using Replicator.Archive;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.S3;
using Replicator.LocalCloud.Archive;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;
using Replicator.Replay;

namespace Replicator.Tests.LocalCloud;

/// <summary>Archive → replay of a sub-range into an empty stream, checked record by record.</summary>
[Collection(LocalCloudCollection.Name)]
public sealed class ReplayTests(LocalCloudFixture fixture)
{
    [Fact]
    public async Task Replaying_an_hour_of_the_archive_in_lanes_delivers_exactly_that_hour_in_per_key_order()
    {
        var start = new DateTimeOffset(2026, 11, 20, 6, 0, 0, TimeSpan.Zero);
        // 1,200 records of 30 keys, one every 10 s: about three and a half hours of commits.
        var keys = Enumerable.Range(0, 30).Select(k => 4_000_000_000L + k).ToArray();
        var counts = new Dictionary<long, long>();
        var records = Enumerable.Range(0, 1200).Select(i =>
        {
            var key = keys[i % keys.Length];
            var n = counts.GetValueOrDefault(key);
            counts[key] = n + 1;
            return new CdcRecord(key, n, start.AddSeconds(i * 10));
        }).ToList();
        var (stream, bucket) = await ArchiveAsync(records);

        var target = await fixture.CreateStreamAsync("replayed", fixture.RegionB, shards: 2);
        var range = new ReplayRange(stream, start.AddHours(1), start.AddHours(2));
        var reader = new ArchiveReader(new S3Reader(new AwsServiceOptions(fixture.RegionA, fixture.Cloud.Credentials, AwsEnvironment.HttpClient) { EndpointOverride = fixture.Cloud.Region(fixture.RegionA).S3Endpoint }), bucket);
        var delivery = new RecordDelivery(new KinesisPutRecordsTarget(fixture.Cloud.CreateKinesisClient(fixture.RegionB)), PutRecordsLimits.Kinesis, TimeProvider.System);

        var result = await new Replayer(delivery, lanes: 4, ReplayPace.Unlimited, chunkSize: 50).ReplayAsync(reader.ReadAsync(range, CancellationToken.None), target, CancellationToken.None);

        var expected = records.Where(r => range.Contains(r.CommitTimestamp)).ToList();
        Assert.Equal(360, expected.Count);
        Assert.Equal((expected.Count, expected.Count), (result.Read, result.Sent));
        var arrived = (await StreamContents.ReadAsync(fixture.Cloud.CreateKinesisClient(fixture.RegionB), target, CancellationToken.None))
            .SelectMany(s => s.Records).Select(r => CdcRecord.Parse(r.Data)).ToList();
        var check = ReplicationCheck.Compare(expected, arrived);
        Assert.Equal((0, 0, 0, 0), (check.Missing, check.OrderViolations, check.Unexpected, check.Duplicates));
    }

    [Fact]
    public void A_keys_lane_is_the_same_every_time_and_lanes_are_all_used()
    {
        var lanes = Enumerable.Range(0, 1000).Select(i => Replayer.LaneOf($"key-{i}", 4)).ToList();

        Assert.Equal(lanes, Enumerable.Range(0, 1000).Select(i => Replayer.LaneOf($"key-{i}", 4)));
        Assert.Equal([0, 1, 2, 3], lanes.Distinct().Order());
    }

    [Theory]
    [InlineData("2026-11-20T06:30:00Z", "2026-11-20T08:00:00Z", new[] { "06", "07" })]
    [InlineData("2026-11-20T06:00:00Z", "2026-11-20T06:00:01Z", new[] { "06" })]
    [InlineData("2026-11-20T23:59:00Z", "2026-11-21T00:30:00Z", new[] { "23", "00" })]
    public void A_range_lists_the_prefix_of_every_hour_it_touches(string from, string to, string[] hours)
    {
        var range = new ReplayRange("orders", DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(hours, range.HourPrefixes().Select(p => p.Split("hour=")[1][11..13]));
    }

    /// <summary>Produces the records into a new stream in region A and archives them through the local Firehose into a new bucket.</summary>
    private async Task<(string Stream, string Bucket)> ArchiveAsync(IReadOnlyList<CdcRecord> records)
    {
        var stream = await fixture.CreateStreamAsync("archived", fixture.RegionA, shards: 2);
        await new CdcProducer(fixture.Cloud.CreateKinesisClient(fixture.RegionA), stream).ProduceAsync(records, 200, null, CancellationToken.None);
        var bucket = $"replay-{Guid.NewGuid():N}"[..20];
        using var s3 = fixture.Cloud.CreateS3Client(fixture.RegionA);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        var archived = await new LocalFirehose(fixture.Cloud, fixture.RegionA, stream, bucket, new ArchiveTransformFunction(null).HandleAsync, TextWriter.Null)
            .ArchiveAsync(records.Count, TimeSpan.FromSeconds(60), CancellationToken.None);
        Assert.Equal(records.Count, archived);
        return (stream, bucket);
    }
}
