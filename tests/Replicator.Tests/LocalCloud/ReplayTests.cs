using System.Text.Json;
using Replicator.Archive;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.S3;
using Replicator.Lambda;
using Replicator.LocalCloud;
using Replicator.LocalCloud.Archive;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Replay;
using Replicator.LocalCloud.StepFunctions;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;
using Replicator.Replay;

namespace Replicator.Tests.LocalCloud;

/// <summary>Archive → replay through the replay state machine and its functions, checked record by record.</summary>
[Collection(LocalCloudCollection.Name)]
public sealed class ReplayTests(LocalCloudFixture fixture)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_sample_replay_replays_exactly_its_hour_in_lanes_that_continue_across_invocations_in_per_key_order()
    {
        var records = RecordsEveryTenSeconds(1200, keys: 30);
        var archive = await ArchivedStream.CreateAsync(fixture.Cloud, fixture.RegionA, records, shards: 2, CancellationToken.None);
        var target = await fixture.CreateStreamAsync("replayed", fixture.RegionB, shards: 2);
        var sample = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(RepositoryLayout.Root(), "events", "replay.json")), ReplayJsonContext.Default.ReplayRequest)!;
        var request = sample with { Stream = archive.Stream, From = Start.AddHours(1), To = Start.AddHours(2), TargetStream = target, TargetRegion = fixture.RegionB, Lanes = 3 };

        var result = await Machine(archive).RunAsync(request, SmallChunks, null, CancellationToken.None);

        var report = LocalReplay.Report(result);
        var expected = records.Where(r => request.From <= r.CommitTimestamp && r.CommitTimestamp < request.To).ToList();
        Assert.Equal(360, expected.Count);
        Assert.Equal((expected.Count, 0L), (report.Replayed, report.MaxDuplicates));
        Assert.Equal(3, report.ReplayedPerLane.Count(n => n > 0));
        Assert.True(result.StatesEntered.Count(s => s == "ReplayLane") > 3 * 2, "each lane was invoked again after handing back a continuation");
        var check = ReplicationCheck.Compare(expected, await ArrivedAsync(target));
        Assert.Equal((360, 0, 0, 0, 0), (check.Found, check.Missing, check.OrderViolations, check.Unexpected, check.Duplicates));
    }

    /// <summary>
    /// Issue 16: the stream is rescaled from 2 to 3 shards halfway (splits and merges, so a key moves from
    /// a parent to a child, and to a grandchild), and the hours hold both. The archive's transformation
    /// records each shard's ancestors from ListShards, and the replay puts every key back in order.
    /// </summary>
    [Fact]
    public async Task Hours_holding_a_parents_and_its_childrens_records_are_replayed_in_per_key_order()
    {
        var records = RecordsEveryTenSeconds(1200, keys: 30);
        var archive = await ArchivedStream.CreateAsync(fixture.Cloud, fixture.RegionA, records, shards: 2, CancellationToken.None, shardsAfterHalf: 3);
        var target = await fixture.CreateStreamAsync("replayreshard", fixture.RegionB, shards: 2);
        var request = new ReplayRequest(archive.Stream, Start, Start.AddHours(4), target, fixture.RegionB, Lanes: 3);

        var result = await Machine(archive).RunAsync(request, SmallChunks, null, CancellationToken.None);

        using var s3 = fixture.Cloud.CreateS3Client(fixture.RegionA);
        var lines = await ArchiveContents.ReadAsync(s3, archive.Bucket, "archive/", CancellationToken.None);
        var children = lines.Where(l => l.Envelope.ShardId is not ("shardId-000000000000" or "shardId-000000000001")).ToList();
        Assert.NotEmpty(children);
        Assert.All(children, l => Assert.NotEmpty(l.Envelope.AncestorShardIds));
        Assert.All(lines.Except(children), l => Assert.Empty(l.Envelope.AncestorShardIds));
        Assert.Equal(records.Count, LocalReplay.Report(result).Replayed);
        var check = ReplicationCheck.Compare(records, await ArrivedAsync(target));
        Assert.Equal((records.Count, 0, 0, 0, 0), (check.Found, check.Missing, check.OrderViolations, check.Unexpected, check.Duplicates));
    }

    /// <summary>
    /// Issue 14, item 6: a backlog whose commits span 40 hours makes 40 × 16 partitions at once, past a
    /// Firehose quota of 20 active partitions, so most records go to the error prefix
    /// (activePartitionExceeded), filed by delivery time. The replay merges them into their hours: every
    /// record comes back, in per-key order. Before, the replay read only the hours' prefixes and lost them.
    /// </summary>
    [Fact]
    public async Task Records_that_overflowed_the_active_partition_quota_are_replayed_in_their_hour_and_order()
    {
        var records = RecordsEveryTenSeconds(1200, keys: 30).Select((r, i) => r with { CommitTimestamp = Start.AddMinutes(i * 2) }).ToList();
        var archive = await ArchivedStream.CreateAsync(fixture.Cloud, fixture.RegionA, records, shards: 2, CancellationToken.None, activePartitionQuota: 20);
        var target = await fixture.CreateStreamAsync("replayoverflow", fixture.RegionB, shards: 2);
        var request = new ReplayRequest(archive.Stream, Start, Start.AddHours(40), target, fixture.RegionB, Lanes: 3);

        var result = await Machine(archive).RunAsync(request, null, null, CancellationToken.None);

        Assert.True(archive.Overflowed > records.Count / 2, $"most records should overflow 20 partitions, {archive.Overflowed} did");
        Assert.Equal(records.Count, LocalReplay.Report(result).Replayed);
        var check = ReplicationCheck.Compare(records, await ArrivedAsync(target));
        Assert.Equal((records.Count, 0, 0, 0, 0), (check.Found, check.Missing, check.OrderViolations, check.Unexpected, check.Duplicates));
    }

    /// <summary>
    /// Issue 19: a replay limited to one tenant reads only that tenant's prefixes (the plan measures only
    /// them and the overflow) and, among the records Firehose put under the error prefix past its quota
    /// (every tenant's together), only the tenant's: it brings back exactly the tenant's records, in order.
    /// A tenant not listed at deploy (initech) is archived under _unlisted, and a replay of _unlisted brings
    /// back exactly its records, the overflowed ones filed as the archive filed them.
    /// </summary>
    [Fact]
    public async Task A_tenants_replay_reads_only_its_prefixes_and_brings_back_exactly_its_records()
    {
        string[] tenants = ["acme", "globex", "initech"];
        var records = RecordsEveryTenSeconds(1200, keys: 30).Select((r, i) => r with { CommitTimestamp = Start.AddMinutes(i * 2), Tenant = tenants[r.Key % 3] }).ToList();
        var archive = await ArchivedStream.CreateAsync(fixture.Cloud, fixture.RegionA, records, shards: 2, CancellationToken.None, activePartitionQuota: 20, tenantField: "tenant", tenants: ["acme", "globex"]);
        var target = await fixture.CreateStreamAsync("replaytenant", fixture.RegionB, shards: 2);
        var sample = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(RepositoryLayout.Root(), "events", "replay-tenant.json")), ReplayJsonContext.Default.ReplayRequest)!;
        var request = sample with { Stream = archive.Stream, From = Start, To = Start.AddHours(40), TargetStream = target, TargetRegion = fixture.RegionB };
        Assert.Equal(("globex", 3), (request.Tenant, request.Lanes));

        var settings = new Dictionary<string, string> { [ReplayEnvironment.TenantField] = "tenant", [ReplayEnvironment.Tenants] = "acme,globex" };
        var result = await Machine(archive).RunAsync(request, settings, null, CancellationToken.None);
        var unlistedTarget = await fixture.CreateStreamAsync("replayunlisted", fixture.RegionB, shards: 2);
        var unlisted = await Machine(archive).RunAsync(request with { Tenant = Replicator.Archive.TenantPrefix.UnlistedTenant, TargetStream = unlistedTarget }, settings, null, CancellationToken.None);

        var report = LocalReplay.Report(result);
        var globex = records.Where(r => r.Tenant == "globex").ToList();
        Assert.True(archive.Overflowed > records.Count / 2, $"most records should overflow 20 partitions, {archive.Overflowed} did");
        Assert.Equal(globex.Count, report.Replayed);
        var check = ReplicationCheck.Compare(globex, await ArrivedAsync(target));
        Assert.Equal((globex.Count, 0, 0, 0, 0), (check.Found, check.Missing, check.OrderViolations, check.Unexpected, check.Duplicates));
        Assert.All(await ArrivedAsync(target), r => Assert.Equal("globex", r.Tenant));
        var initech = records.Where(r => r.Tenant == "initech").ToList();
        var unlistedCheck = ReplicationCheck.Compare(initech, await ArrivedAsync(unlistedTarget));
        Assert.Equal((initech.Count, initech.Count, 0, 0, 0, 0), (LocalReplay.Report(unlisted).Replayed, unlistedCheck.Found, unlistedCheck.Missing, unlistedCheck.OrderViolations, unlistedCheck.Unexpected, unlistedCheck.Duplicates));

        using var s3 = fixture.Cloud.CreateS3Client(fixture.RegionA);
        var listed = await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = archive.Bucket });
        Assert.False(listed.IsTruncated);
        var globexObjects = listed.S3Objects.Count(o => o.Key.StartsWith("archive/", StringComparison.Ordinal) && o.Key.Contains("/tenant=globex/", StringComparison.Ordinal));
        Assert.True(globexObjects > 0 && globexObjects < listed.S3Objects.Count(o => o.Key.StartsWith("archive/", StringComparison.Ordinal)));
        Assert.Equal(globexObjects, report.Plan.Objects);
    }

    [Fact]
    public async Task A_lane_that_fails_midway_resumes_from_its_cursor_with_no_more_duplicates_than_it_reports()
    {
        var records = CdcProducer.Generate(1000, keys: 50, Start).Select((r, i) => r with { CommitTimestamp = Start.AddSeconds(i) }).ToList();
        var archive = await ArchivedStream.CreateAsync(fixture.Cloud, fixture.RegionA, records, shards: 2, CancellationToken.None);
        var target = await fixture.CreateStreamAsync("resumed", fixture.RegionB, shards: 2);
        var store = await StoreAsync();
        var plan = new ReplayRequest(archive.Stream, Start, Start.AddHours(1), target, fixture.RegionB, Lanes: 1).Plan(fixture.RegionA, "run-1", (Start, Start.AddHours(1)), 1, 1, 0);
        await store.ClaimAsync(plan, plan.Owner, CancellationToken.None);
        var kinesis = new KinesisPutRecordsTarget(fixture.Cloud.CreateKinesisClient(fixture.RegionB));
        var crashing = new CrashingTarget(kinesis, crashOnCall: 12);

        await Assert.ThrowsAsync<ReplayDeliveryException>(() => Lane(crashing).RunAsync(plan, 0, () => false, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None));
        var afterCrash = await store.ReadLaneAsync(plan.ReplayId, 0, CancellationToken.None);
        Assert.True(afterCrash.Sent > 0 && afterCrash.InFlight > 0, $"after the crash: {afterCrash}");

        var resumed = await Lane(kinesis).RunAsync(plan, 0, () => false, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);

        Assert.True(resumed.Done);
        Assert.Equal((records.Count - afterCrash.Sent, (long)records.Count, afterCrash.InFlight), (resumed.Sent, resumed.LaneSent, resumed.MaxDuplicates));
        var check = ReplicationCheck.Compare(records, await ArrivedAsync(target));
        Assert.Equal((0, 0, 0), (check.Missing, check.OrderViolations, check.Unexpected));
        Assert.InRange(check.Duplicates, 0, resumed.MaxDuplicates);

        LaneReplayer Lane(IPutRecordsTarget putRecords) =>
            new(Reader(archive), new RecordDelivery(putRecords, PutRecordsLimits.Kinesis, TimeProvider.System), store, chunkSize: 40, TimeProvider.System);
    }

    [Fact]
    public async Task A_second_execution_of_the_same_replay_takes_it_over_and_the_first_stops_at_its_next_chunk()
    {
        var store = await StoreAsync();
        var plan = new ReplayRequest("orders", Start, Start.AddHours(1), Lanes: 2).Plan(fixture.RegionA, "first", (Start, Start.AddHours(1)), 1, 1, 0);
        await store.ClaimAsync(plan, "first", CancellationToken.None);
        await store.BeginChunkAsync(plan.ReplayId, "first", 1, 10, CancellationToken.None);

        await store.ClaimAsync(plan with { Owner = "second" }, "second", CancellationToken.None);

        var stopped = await Assert.ThrowsAsync<ReplaySupersededException>(() => store.BeginChunkAsync(plan.ReplayId, "first", 1, 10, CancellationToken.None));
        Assert.Contains("execution second owns the replay", stopped.Message, StringComparison.Ordinal);
        var lane = await store.ReadLaneAsync(plan.ReplayId, 1, CancellationToken.None);
        Assert.Equal(("second", 10L), (lane.Owner, lane.InFlight));
    }

    [Fact]
    public async Task A_replay_id_reused_for_a_different_range_fails_naming_the_field_and_tells_the_operators()
    {
        var records = RecordsEveryTenSeconds(60, keys: 5);
        var archive = await ArchivedStream.CreateAsync(fixture.Cloud, fixture.RegionA, records, shards: 1, CancellationToken.None);
        var target = await fixture.CreateStreamAsync("mismatch", fixture.RegionB);
        var topics = new LocalTopics();
        var machine = new LocalReplay(fixture.Cloud, fixture.RegionA, archive.Bucket, topics, TextWriter.Null);
        var first = new ReplayRequest(archive.Stream, Start, Start.AddHours(1), target, fixture.RegionB, ReplayId: $"reused-{target}");
        Assert.True((await machine.RunAsync(first, null, null, CancellationToken.None)).IsSuccess);

        var result = await machine.RunAsync(first with { To = Start.AddMinutes(30) }, null, null, CancellationToken.None);

        Assert.Equal(nameof(ReplayMismatchException), result.Error);
        Assert.Contains("with to = 2026-11-20T07:00:00", result.Cause, StringComparison.Ordinal);
        Assert.Contains(topics.Published, m => m.Message.Contains(nameof(ReplayMismatchException), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("lanes", nameof(InvalidFunctionInputException), "lanes is 0")]
    [InlineData("from", nameof(InvalidFunctionInputException), "from (2026-11-20T07:00:00.0000000+00:00) is not before to")]
    [InlineData("target", nameof(InvalidFunctionInputException), "targetStream no-such-stream does not exist in targetRegion")]
    [InlineData("range", nameof(ArchiveEmptyException), "has no objects under archive/stream=")]
    [InlineData("no range", nameof(InvalidFunctionInputException), "from is missing; give from and to, or atRisk")]
    [InlineData("rate", nameof(InvalidFunctionInputException), "recordsPerSecond is 3; with 4 lanes it must be at least 4")]
    [InlineData("range and atRisk", nameof(InvalidFunctionInputException), "atRisk works out from and to itself; leave them out")]
    [InlineData("atRisk without a watermark", nameof(InvalidFunctionInputException), "atRisk starts at the stream's watermark")]
    [InlineData("tenant without tenant prefixes", nameof(InvalidFunctionInputException), "tenant acme is given, but this archive has no tenant prefixes (ARCHIVE_TENANT_FIELD is not set")]
    [InlineData("tenant of a wrong form", nameof(InvalidFunctionInputException), "tenant 'acme/../globex' is not a tenant id")]
    public async Task The_plan_refuses_a_replay_it_cannot_do_naming_what_is_wrong(string fault, string error, string cause)
    {
        var archive = await ArchivedStream.CreateAsync(fixture.Cloud, fixture.RegionA, RecordsEveryTenSeconds(10, keys: 2), shards: 1, CancellationToken.None);
        var valid = new ReplayRequest(archive.Stream, Start, Start.AddHours(1), archive.Stream, fixture.RegionA);
        var request = fault switch
        {
            "lanes" => valid with { Lanes = 0 },
            "from" => valid with { From = Start.AddHours(1) },
            "target" => valid with { TargetStream = "no-such-stream" },
            "no range" => valid with { From = null, To = null },
            "rate" => valid with { Lanes = 4, RecordsPerSecond = 3 },
            "range and atRisk" => valid with { AtRisk = true },
            "atRisk without a watermark" => valid with { From = null, To = null, AtRisk = true },
            "tenant without tenant prefixes" => valid with { Tenant = "acme" },
            "tenant of a wrong form" => valid with { Tenant = "acme/../globex" },
            _ => valid with { From = Start.AddDays(-3), To = Start.AddDays(-2) },
        };

        var result = await Machine(archive).RunAsync(request, null, null, CancellationToken.None);

        Assert.Equal((error, "Plan"), (result.Error, result.StatesEntered.First()));
        Assert.Contains(cause, result.Cause, StringComparison.Ordinal);
        Assert.DoesNotContain("ReplayLane", result.StatesEntered);
    }

    [Fact]
    public async Task An_at_risk_replay_replays_from_the_targets_checkpoint_to_the_retention_edge_an_hour_ahead()
    {
        // kinesalite keeps a stream 24 hours: the edge an hour ahead is now - 23 h.
        var now = DateTimeOffset.UtcNow;
        var records = Enumerable.Range(0, 600).Select(i => new CdcRecord(6_000_000_000L + (i % 12), i / 12, now.AddHours(-30).AddMinutes(i).AddSeconds(30))).ToList();
        var archive = await ArchivedStream.CreateAsync(fixture.Cloud, fixture.RegionA, records, shards: 1, CancellationToken.None);
        var target = await fixture.CreateStreamAsync("at-risk", fixture.RegionB);
        await CheckpointAsync(archive, now.AddHours(-28));

        var result = await Machine(archive).RunAsync(await AtRiskSampleAsync(archive, target), null, null, CancellationToken.None);

        var report = LocalReplay.Report(result);
        var expected = records.Where(r => r.CommitTimestamp >= now.AddHours(-28) && r.CommitTimestamp < now.AddHours(-23)).ToList();
        Assert.Equal(300, expected.Count);
        Assert.Equal(expected.Count, report.Replayed);
        var check = ReplicationCheck.Compare(expected, await ArrivedAsync(target));
        Assert.Equal((300, 0, 0, 0), (check.Found, check.Missing, check.OrderViolations, check.Unexpected));
    }

    [Fact]
    public async Task An_at_risk_replay_of_a_target_ahead_of_the_retention_edge_replays_nothing_and_succeeds()
    {
        var now = DateTimeOffset.UtcNow;
        var archive = await ArchivedStream.CreateAsync(fixture.Cloud, fixture.RegionA, [new CdcRecord(6_100_000_000L, 0, now.AddHours(-2))], shards: 1, CancellationToken.None);
        var target = await fixture.CreateStreamAsync("not-at-risk", fixture.RegionB);
        await CheckpointAsync(archive, now.AddHours(-1));

        var result = await Machine(archive).RunAsync(await AtRiskSampleAsync(archive, target), null, null, CancellationToken.None);

        Assert.True(result.IsSuccess, result.Cause);
        Assert.Equal(["Plan", "NothingAtRisk"], result.StatesEntered);
        Assert.Equal(nameof(NothingAtRiskException), (string?)result.Output!["Error"]);
    }

    /// <summary>
    /// Issue 19: an hour archived partly in 16 buckets and, after a deploy with more tenants, in 4
    /// (bucket=NNof04). Eight lanes between them bring back every record once, each key in its own lane and
    /// in order across the change; a 16-bucket object is fetched by its one lane, a 4-bucket object by the
    /// two lanes whose keys it holds.
    /// </summary>
    [Fact]
    public async Task An_hour_archived_with_two_bucket_counts_is_replayed_by_lanes_each_reading_the_objects_holding_its_keys()
    {
        var records = RecordsEveryTenSeconds(360, keys: 40);
        var archive = await ArchivedStream.CreateAsync(fixture.Cloud, fixture.RegionA, records, shards: 2, CancellationToken.None);
        var hour = Start.UtcDateTime.ToString("yyyy-MM-dd-HH", System.Globalization.CultureInfo.InvariantCulture);
        var range = new ReplayRange($"{archive.Stream}-mixed", Start, Start.AddHours(1));
        using var s3 = fixture.Cloud.CreateS3Client(fixture.RegionA);
        var envelopes = (await ArchiveContents.ReadAsync(s3, archive.Bucket, "archive/", CancellationToken.None)).Select(l => l.Envelope).OrderBy(e => e.ArrivalTime).ToList();
        var half = envelopes.Count / 2;
        foreach (var (part, count) in new[] { (envelopes.Take(half), 16), (envelopes.Skip(half), 4) })
        {
            foreach (var bucket in part.GroupBy(e => ArchiveBuckets.Of(e.PartitionKey, count)))
            {
                var key = $"{range.HourPrefix(hour)}bucket={ArchiveBuckets.Name(bucket.Key, count)}/part-{count}.gz";
                await LocalFirehose.PutGzipAsync(s3, archive.Bucket, key, bucket.Select(e => e.ToJsonLine()), CancellationToken.None);
            }
        }

        var lanes = await Task.WhenAll(Enumerable.Range(0, 8).Select(lane => Reader(archive).ReadHourAsync(range, hour, lane, 8, CancellationToken.None)));

        Assert.Equal(records.Count, lanes.Sum(l => l.Records.Count));
        Assert.All(Enumerable.Range(0, 8), lane => Assert.All(lanes[lane].Records, r => Assert.Equal(lane, ArchiveReader.LaneOf(r.Envelope.PartitionKey, 8))));
        var check = ReplicationCheck.Compare(records, lanes.SelectMany(l => l.Records).Select(r => CdcRecord.Parse(r.Envelope.Data.ToArray())));
        Assert.Equal((0, 0, 0), (check.Missing, check.OrderViolations, check.Duplicates));
        var listed = (await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = archive.Bucket, Prefix = range.HourPrefix(hour) })).S3Objects;
        var (of16, of4) = (envelopes.Take(half).Select(e => ArchiveBuckets.Of(e.PartitionKey)).Distinct().Count(), envelopes.Skip(half).Select(e => ArchiveBuckets.Of(e.PartitionKey, 4)).Distinct().Count());
        Assert.Equal((of16, of4), (listed.Count(o => !o.Key.Contains("of", StringComparison.Ordinal)), listed.Count(o => o.Key.Contains("of04", StringComparison.Ordinal))));
        Assert.Equal(of16 + (of4 * 2), lanes.Sum(l => l.ObjectsRead));
        Assert.Equal(1.0, lanes.Sum(l => l.Share), precision: 6);
    }

    [Fact]
    public async Task Lanes_read_only_their_buckets_objects_and_an_hour_archived_before_buckets_whole()
    {
        var records = RecordsEveryTenSeconds(360, keys: 40);
        var archive = await ArchivedStream.CreateAsync(fixture.Cloud, fixture.RegionA, records, shards: 2, CancellationToken.None);
        var hour = Start.UtcDateTime.ToString("yyyy-MM-dd-HH", System.Globalization.CultureInfo.InvariantCulture);
        var bucketed = new ReplayRange(archive.Stream, Start, Start.AddHours(1));
        // The same objects under a stream's prefix without the bucket level, as the archive was written before buckets.
        var unbucketed = bucketed with { Stream = $"{archive.Stream}-old" };
        using var s3 = fixture.Cloud.CreateS3Client(fixture.RegionA);
        var objects = (await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = archive.Bucket, Prefix = bucketed.HourPrefix(hour) })).S3Objects;
        Assert.True(objects.Count >= 4, $"the hour has {objects.Count} objects");
        foreach (var (item, i) in objects.Select((o, i) => (o, i)))
        {
            using var body = await s3.GetObjectAsync(archive.Bucket, item.Key);
            using var copy = new MemoryStream();
            await body.ResponseStream.CopyToAsync(copy);
            await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = archive.Bucket, Key = $"{unbucketed.HourPrefix(hour)}part-{i}.gz", InputStream = new MemoryStream(copy.ToArray()), UseChunkEncoding = false });
        }

        var reader = Reader(archive);
        foreach (var (range, objectsPerLane) in new[] { (bucketed, (int?)null), (unbucketed, objects.Count) })
        {
            var lanes = await Task.WhenAll(Enumerable.Range(0, 4).Select(lane => reader.ReadHourAsync(range, hour, lane, 4, CancellationToken.None)));

            var expected = records.Where(r => bucketed.Contains(r.CommitTimestamp)).ToList();
            Assert.Equal(expected.Count, lanes.Sum(l => l.Records.Count));
            Assert.All(Enumerable.Range(0, 4), lane => Assert.All(lanes[lane].Records, r => Assert.Equal(lane, ArchiveReader.LaneOf(r.Envelope.PartitionKey, 4))));
            var check = ReplicationCheck.Compare(expected, lanes.SelectMany(l => l.Records).Select(r => CdcRecord.Parse(r.Envelope.Data.ToArray())));
            Assert.Equal((0, 0, 0), (check.Missing, check.OrderViolations, check.Duplicates));
            Assert.Equal(1.0, lanes.Sum(l => l.Share), precision: 6);
            if (objectsPerLane is { } every)
            {
                Assert.All(lanes, l => Assert.Equal(every, l.ObjectsRead));
            }
            else
            {
                // Together the lanes fetched each object once.
                Assert.Equal(objects.Count, lanes.Sum(l => l.ObjectsRead));
            }
        }
    }

    [Fact]
    public void A_keys_lane_is_the_same_every_time_and_lanes_are_all_used()
    {
        var lanes = Enumerable.Range(0, 1000).Select(i => ArchiveReader.LaneOf($"key-{i}", 4)).ToList();

        Assert.Equal(lanes, Enumerable.Range(0, 1000).Select(i => ArchiveReader.LaneOf($"key-{i}", 4)));
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

    [Fact]
    public void A_cursor_orders_records_as_a_lane_reads_them_whatever_the_sequence_numbers_lengths()
    {
        var envelope = new Replicator.Archive.ArchiveEnvelope("k", "shardId-000000000001", "999", Start, null, default);
        var at = Start.UtcTicks;

        Assert.True(LaneCursor.Start.IsBefore(LaneCursor.At("2026-11-20-06", at, envelope)));
        Assert.True(LaneCursor.At("2026-11-20-06", at, envelope).IsBefore(LaneCursor.At("2026-11-20-06", at, envelope with { SequenceNumber = "1000" })));
        Assert.True(LaneCursor.At("2026-11-20-06", at, envelope with { SequenceNumber = "1000" }).IsBefore(LaneCursor.At("2026-11-20-06", at, envelope with { ShardId = "shardId-000000000002" })));
        Assert.True(LaneCursor.At("2026-11-20-06", at, envelope with { ShardId = "shardId-000000000009" }).IsBefore(LaneCursor.At("2026-11-20-06", at + 1, envelope)));
        Assert.True(LaneCursor.At("2026-11-20-06", at + 1, envelope with { ShardId = "shardId-000000000009" }).IsBefore(LaneCursor.At("2026-11-20-07", at, envelope)));
    }

    [Fact]
    public void A_cursor_written_shard_by_shard_is_refused_naming_the_lane_and_what_to_do()
    {
        var refused = Assert.Throws<InvalidDataException>(() => LaneCursor.Parse("2026-11-20-06/shardId-000000000001/000999", "Replay 'r' lane 2"));

        Assert.Contains("Replay 'r' lane 2: cursor '2026-11-20-06/shardId-000000000001/000999'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("new replayId", refused.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> SmallChunks => new()
    {
        [ReplayEnvironment.ChunkRecords] = "20",
        [ReplayEnvironment.MaxChunksPerInvocation] = "2",
    };

    /// <summary>Records of <paramref name="keys"/> keys, one every 10 s from <see cref="Start"/>: 1,200 make three and a third hours of commits.</summary>
    private static List<CdcRecord> RecordsEveryTenSeconds(int count, int keys)
    {
        var counts = new Dictionary<long, long>();
        return Enumerable.Range(0, count).Select(i =>
        {
            var key = 4_000_000_000L + (i % keys);
            var n = counts.GetValueOrDefault(key);
            counts[key] = n + 1;
            return new CdcRecord(key, n, Start.AddSeconds(i * 10));
        }).ToList();
    }

    /// <summary>events/replay-at-risk.json, the retention alarm's input, for this archive's stream and a target in region B.</summary>
    private async Task<ReplayRequest> AtRiskSampleAsync(ArchivedStream archive, string target)
    {
        var sample = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(Path.Combine(RepositoryLayout.Root(), "events", "replay-at-risk.json")), ReplayJsonContext.Default.ReplayRequest)!;
        Assert.True(sample.AtRisk);
        return sample with { Stream = archive.Stream, TargetStream = target, TargetRegion = fixture.RegionB };
    }

    /// <summary>Records that the lag monitor has found the stream replicated up to <paramref name="commitTimestamp"/> (its watermark).</summary>
    private async Task CheckpointAsync(ArchivedStream archive, DateTimeOffset commitTimestamp)
    {
        await ReplicatorTables.CreateAsync(fixture.DynamoDb, CancellationToken.None);
        await new CheckpointStore(fixture.DynamoDb, ReplicatorTables.Checkpoint, TimeProvider.System)
            .RaiseWatermarkAsync(archive.Stream, commitTimestamp, CancellationToken.None);
    }

    private LocalReplay Machine(ArchivedStream archive) => new(fixture.Cloud, fixture.RegionA, archive.Bucket, new LocalTopics(), TextWriter.Null);

    private async Task<ReplayProgressStore> StoreAsync()
    {
        await ReplicatorTables.CreateAsync(fixture.DynamoDb, CancellationToken.None);
        return new ReplayProgressStore(fixture.DynamoDb, ReplicatorTables.ReplayProgress);
    }

    private async Task<List<CdcRecord>> ArrivedAsync(string stream) =>
        (await StreamContents.ReadAsync(fixture.Cloud.CreateKinesisClient(fixture.RegionB), stream, CancellationToken.None))
            .SelectMany(s => s.Records).Select(r => CdcRecord.Parse(r.Data)).ToList();

    private ArchiveReader Reader(ArchivedStream archive) =>
        new(new S3Reader(new AwsServiceOptions(fixture.RegionA, fixture.Cloud.Credentials, AwsEnvironment.HttpClient) { EndpointOverride = fixture.Cloud.Region(fixture.RegionA).S3Endpoint }), archive.Bucket);

    /// <summary>Passes PutRecords through until a chosen call, which fails as a crashed replay would (after the earlier ones landed).</summary>
    private sealed class CrashingTarget(IPutRecordsTarget inner, int crashOnCall) : IPutRecordsTarget
    {
        private int _calls;

        public Task<Replicator.Aws.Kinesis.PutRecordsResponse> PutRecordsAsync(Replicator.Aws.Kinesis.PutRecordsRequest request, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) >= crashOnCall
                ? throw new InvalidOperationException("injected: the replay's host went away")
                : inner.PutRecordsAsync(request, cancellationToken);
    }
}
