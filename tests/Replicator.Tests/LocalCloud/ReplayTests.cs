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
        var reader = Reader(bucket);
        var delivery = new RecordDelivery(new KinesisPutRecordsTarget(fixture.Cloud.CreateKinesisClient(fixture.RegionB)), PutRecordsLimits.Kinesis, TimeProvider.System);

        var result = await new Replayer(delivery, lanes: 4, ReplayPace.Unlimited, chunkSize: 50).ReplayAsync(reader.ReadAsync(range, CancellationToken.None), target, CancellationToken.None);

        var expected = records.Where(r => range.Contains(r.CommitTimestamp)).ToList();
        Assert.Equal(360, expected.Count);
        Assert.Equal((expected.Count, expected.Count, 0L), (result.Read, result.Sent, result.Skipped));
        var arrived = (await StreamContents.ReadAsync(fixture.Cloud.CreateKinesisClient(fixture.RegionB), target, CancellationToken.None))
            .SelectMany(s => s.Records).Select(r => CdcRecord.Parse(r.Data)).ToList();
        var check = ReplicationCheck.Compare(expected, arrived);
        Assert.Equal((0, 0, 0, 0), (check.Missing, check.OrderViolations, check.Unexpected, check.Duplicates));
    }

    [Fact]
    public async Task A_replay_that_fails_midway_resumes_where_it_stopped_with_duplicates_bounded_by_a_chunk_per_lane()
    {
        var start = new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero);
        var records = CdcProducer.Generate(1000, keys: 50, start).Select((r, i) => r with { CommitTimestamp = start.AddSeconds(i) }).ToList();
        var (stream, bucket) = await ArchiveAsync(records);
        var target = await fixture.CreateStreamAsync("resumed", fixture.RegionB, shards: 2);
        var range = new ReplayRange(stream, start, start.AddHours(1));
        await ReplicatorTables.CreateAsync(fixture.DynamoDb, CancellationToken.None);
        var progress = new ReplayProgress(new ReplayProgressStore(fixture.DynamoDb, ReplicatorTables.ReplayProgress), $"replay-{Guid.NewGuid():N}");
        var kinesis = new KinesisPutRecordsTarget(fixture.Cloud.CreateKinesisClient(fixture.RegionB));
        const int lanes = 3, chunk = 40;

        var crashing = new CrashingTarget(kinesis, crashOnCall: 30);
        await Assert.ThrowsAsync<ReplayDeliveryException>(() => Replay(crashing).ReplayAsync(Reader(bucket).ReadAsync(range, CancellationToken.None), target, CancellationToken.None));
        var afterCrash = await progress.Store.ReadAsync(progress.ReplayId, lanes, CancellationToken.None);
        Assert.True(afterCrash.Sum() > 0, $"progress after the crash: {string.Join(",", afterCrash)}; calls {crashing.Calls}");
        var resumed = await Replay(kinesis).ReplayAsync(Reader(bucket).ReadAsync(range, CancellationToken.None), target, CancellationToken.None);

        Assert.True(resumed.Skipped > 0, "the second run skipped what the first made durable");
        var arrived = (await StreamContents.ReadAsync(fixture.Cloud.CreateKinesisClient(fixture.RegionB), target, CancellationToken.None))
            .SelectMany(s => s.Records).Select(r => CdcRecord.Parse(r.Data)).ToList();
        var check = ReplicationCheck.Compare(records, arrived);
        Assert.Equal((0, 0, 0), (check.Missing, check.OrderViolations, check.Unexpected));
        Assert.InRange(check.Duplicates, 0, lanes * chunk);

        Replayer Replay(IPutRecordsTarget putRecords) =>
            new(new RecordDelivery(putRecords, PutRecordsLimits.Kinesis, TimeProvider.System), lanes, ReplayPace.Unlimited, progress, chunk);
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

    private ArchiveReader Reader(string bucket) =>
        new(new S3Reader(new AwsServiceOptions(fixture.RegionA, fixture.Cloud.Credentials, AwsEnvironment.HttpClient) { EndpointOverride = fixture.Cloud.Region(fixture.RegionA).S3Endpoint }), bucket);

    /// <summary>Passes PutRecords through until a chosen call, which fails as a crashed replay would (after the earlier ones landed).</summary>
    private sealed class CrashingTarget(IPutRecordsTarget inner, int crashOnCall) : IPutRecordsTarget
    {
        private int _calls;

        public int Calls => _calls;

        public Task<Aws.Kinesis.PutRecordsResponse> PutRecordsAsync(Aws.Kinesis.PutRecordsRequest request, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) >= crashOnCall
                ? throw new InvalidOperationException("injected: the replay's host went away")
                : inner.PutRecordsAsync(request, cancellationToken);
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
