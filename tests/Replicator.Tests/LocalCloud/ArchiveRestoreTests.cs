using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.S3;
using Replicator.Cli.Replay;
using Replicator.LocalCloud.Replay;
using Replicator.LocalCloud.StepFunctions;
using Replicator.LocalCloud.Verification;
using Replicator.Replay;
using Spectre.Console;

namespace Replicator.Tests.LocalCloud;

/// <summary>
/// Issue 20, restores: the local cloud's S3 refuses to read an object of GLACIER or DEEP_ARCHIVE until a
/// restore has finished, as S3 does; the replay plan names what must be restored, <c>replicator replay
/// restore</c> restores it, and the replay then reads every record.
/// </summary>
[Collection(LocalCloudCollection.Name)]
public sealed class ArchiveRestoreTests(LocalCloudFixture fixture) : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 8, 20, 6, 0, 0, TimeSpan.Zero);
    private readonly StringWriter _output = new();

    public void Dispose() => _output.Dispose();

    /// <summary>
    /// Checked through AWSSDK.S3, which parses S3's answers: RestoreObject (API reference) answers 202 when
    /// a restore starts, 409 RestoreAlreadyInProgress while it runs, 200 once restored; GetObject answers
    /// 403 InvalidObjectState for an archived object not restored; HeadObject names the class and the
    /// restore (x-amz-storage-class, x-amz-restore); DEEP_ARCHIVE has no Expedited tier.
    /// </summary>
    [Fact]
    public async Task An_archived_object_is_unreadable_until_its_restore_has_taken_the_tiers_time()
    {
        var bucket = $"restore-{Guid.NewGuid():N}"[..20];
        using var s3 = fixture.Cloud.CreateS3Client(fixture.RegionA);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "cold/a", ContentBody = "a", UseChunkEncoding = false });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "warm/b", ContentBody = "b", UseChunkEncoding = false });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "deep/c", ContentBody = "c", UseChunkEncoding = false, StorageClass = S3StorageClass.DeepArchive });
        Assert.Equal(1, fixture.Cloud.S3(fixture.RegionA).Transition(bucket, "cold/", "GLACIER"));

        var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "cold/a"));
        Assert.Equal((HttpStatusCode.Forbidden, "InvalidObjectState"), (refused.StatusCode, refused.ErrorCode));
        var listed = (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects.ToDictionary(o => o.Key, o => o.StorageClass.Value);
        Assert.Equal(new Dictionary<string, string> { ["cold/a"] = "GLACIER", ["deep/c"] = "DEEP_ARCHIVE", ["warm/b"] = "STANDARD" }, listed);
        var noExpedited = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = "deep/c", Days = 1, Tier = GlacierJobTier.Expedited }));
        Assert.Equal(HttpStatusCode.BadRequest, noExpedited.StatusCode);

        var notArchived = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = "warm/b", Days = 1 }));
        Assert.Equal("InvalidObjectState", notArchived.ErrorCode);
        using var stranger = new AmazonS3Client(new BasicAWSCredentials("STRANGER", "STRANGER"), new AmazonS3Config { ServiceURL = fixture.Cloud.Region(fixture.RegionA).S3Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = fixture.RegionA });
        var unsigned = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => stranger.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = "cold/a", Days = 1 }));
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);

        var started = await s3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = "cold/a", Days = 2, Tier = GlacierJobTier.Expedited });
        var again = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = "cold/a", Days = 2 }));
        var restoring = await s3.GetObjectMetadataAsync(bucket, "cold/a");
        fixture.Cloud.S3(fixture.RegionA).PassTime(TimeSpan.FromMinutes(4));
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "cold/a"));
        fixture.Cloud.S3(fixture.RegionA).PassTime(TimeSpan.FromMinutes(1));
        using var read = await s3.GetObjectAsync(bucket, "cold/a");
        var restored = await s3.GetObjectMetadataAsync(bucket, "cold/a");
        var extended = await s3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = "cold/a", Days = 3 });
        fixture.Cloud.S3(fixture.RegionA).PassTime(TimeSpan.FromDays(4));
        var expired = await s3.GetObjectMetadataAsync(bucket, "cold/a");
        var refusedAgain = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "cold/a"));

        Assert.Equal(HttpStatusCode.Accepted, started.HttpStatusCode);
        Assert.Equal((HttpStatusCode.Conflict, "RestoreAlreadyInProgress"), (again.StatusCode, again.ErrorCode));
        Assert.Equal((S3StorageClass.Glacier, true), (restoring.StorageClass, restoring.RestoreInProgress));
        Assert.Equal("a", await new StreamReader(read.ResponseStream).ReadToEndAsync());
        Assert.False(restored.RestoreInProgress);
        Assert.NotNull(restored.RestoreExpiration);
        Assert.Equal(HttpStatusCode.OK, extended.HttpStatusCode);
        // Once the restored copy expires, the object is archived again and S3 no longer names a restore.
        Assert.Equal(((bool?)null, (DateTime?)null), (expired.RestoreInProgress, expired.RestoreExpiration));
        Assert.Equal("InvalidObjectState", refusedAgain.ErrorCode);
    }

    [Fact]
    public async Task The_plan_names_the_unrestored_objects_and_the_replay_reads_every_record_once_restore_has_finished()
    {
        var records = Enumerable.Range(0, 360).Select(i => new CdcRecord(7_000_000_000L + (i % 12), i / 12, Start.AddSeconds(i * 20))).ToList();
        var archive = await ArchivedStream.CreateAsync(fixture.Cloud, fixture.RegionA, records, shards: 2, CancellationToken.None);
        var target = await fixture.CreateStreamAsync("restored", fixture.RegionB, shards: 2);
        var s3 = fixture.Cloud.S3(fixture.RegionA);
        var range = new ReplayRange(archive.Stream, Start, Start.AddHours(2));
        var hours = range.HourPrefixes().ToList();
        var glacier = s3.Transition(archive.Bucket, hours[0], "GLACIER");
        var deepArchive = s3.Transition(archive.Bucket, hours[1], "DEEP_ARCHIVE");
        Assert.True(glacier > 0 && deepArchive > 0, $"{glacier} and {deepArchive} objects moved");
        var request = new ReplayRequest(archive.Stream, range.From, range.To, target, fixture.RegionB, Lanes: 2);
        var restore = new ArchiveRestore(Reader(), archive.Bucket);

        var refused = await Machine(archive).RunAsync(request, null, null, CancellationToken.None);
        var expedited = await RestoreAsync(restore, range, "Expedited");
        var first = await RestoreAsync(restore, range, "Standard");
        var second = await RestoreAsync(restore, range, "Standard");
        var restoring = await Machine(archive).RunAsync(request, null, null, CancellationToken.None);
        s3.PassTime(TimeSpan.FromHours(5));
        var glacierRestored = await RestoreAsync(restore, range, "Standard");
        s3.PassTime(TimeSpan.FromHours(7));
        var ready = await RestoreAsync(restore, range, "Standard");
        var replayed = await Machine(archive).RunAsync(request, null, null, CancellationToken.None);

        Assert.Equal((nameof(ArchivedObjectNotRestoredException), "Plan"), (refused.Error, refused.StatesEntered.First()));
        Assert.DoesNotContain("ReplayLane", refused.StatesEntered);
        Assert.Contains($"{glacier + deepArchive} of the {glacier + deepArchive} archived objects", refused.Cause, StringComparison.Ordinal);
        Assert.Contains($"DEEP_ARCHIVE: {deepArchive}, GLACIER: {glacier}; 0 restoring now", refused.Cause, StringComparison.Ordinal);
        Assert.Contains($"s3://{archive.Bucket}/{hours[0]}", refused.Cause, StringComparison.Ordinal);
        Assert.Contains("replicator replay restore", refused.Cause, StringComparison.Ordinal);
        Assert.Equal(2, expedited.ExitCode);
        Assert.Contains($"--tier Expedited is not available for DEEP_ARCHIVE, which holds {deepArchive} of the range's objects", expedited.Text, StringComparison.Ordinal);
        Assert.Equal((1, Figures(glacier + deepArchive, 0, glacier + deepArchive, 0)), (first.ExitCode, first.Figures));
        Assert.Equal((1, Figures(glacier + deepArchive, 0, 0, glacier + deepArchive)), (second.ExitCode, second.Figures));
        Assert.Contains($"{glacier + deepArchive} restoring now", restoring.Cause, StringComparison.Ordinal);
        Assert.Equal((1, Figures(glacier + deepArchive, glacier, 0, deepArchive)), (glacierRestored.ExitCode, glacierRestored.Figures));
        Assert.Equal((0, Figures(glacier + deepArchive, glacier + deepArchive, 0, 0)), (ready.ExitCode, ready.Figures));
        Assert.True(replayed.IsSuccess, replayed.Cause);
        var check = ReplicationCheck.Compare(records, await StreamContents.ReadAsync(fixture.Cloud.CreateKinesisClient(fixture.RegionB), target, CancellationToken.None) is var arrived
            ? arrived.SelectMany(s => s.Records).Select(r => CdcRecord.Parse(r.Data)).ToList()
            : []);
        Assert.Equal((records.Count, 0, 0, 0, 0), (check.Found, check.Missing, check.OrderViolations, check.Unexpected, check.Duplicates));

        static string Figures(int archived, int restored, int started, int underWay) =>
            $"{{\"objects\":{archived},\"archived\":{archived},\"restored\":{restored},\"restores_started\":{started},\"restores_under_way\":{underWay}}}";
    }

    /// <summary>Issue 19: a tenant's restore starts restores of that tenant's archived objects only, as a replay with --tenant reads them.</summary>
    [Fact]
    public async Task A_tenants_restore_restores_only_its_own_objects()
    {
        var records = Enumerable.Range(0, 240).Select(i => new CdcRecord(6_200_000_000L + (i % 20), i / 20, Start.AddSeconds(i * 15)) { Tenant = i % 2 == 0 ? "acme" : "globex" }).ToList();
        var archive = await ArchivedStream.CreateAsync(fixture.Cloud, fixture.RegionA, records, shards: 2, CancellationToken.None, tenantField: "tenant", tenants: ["acme", "globex"]);
        var range = new ReplayRange(archive.Stream, Start, Start.AddHours(1), Tenant: "acme");
        var all = fixture.Cloud.S3(fixture.RegionA).Transition(archive.Bucket, "archive/", "GLACIER");
        using var s3 = fixture.Cloud.CreateS3Client(fixture.RegionA);
        var acme = (await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = archive.Bucket, Prefix = range.HourPrefixes().Single() })).S3Objects.Count;

        var restored = await RestoreAsync(new ArchiveRestore(Reader(), archive.Bucket), range, "Standard");

        Assert.True(acme > 0 && acme < all, $"acme has {acme} of the {all} archived objects");
        Assert.Equal((1, $"{{\"objects\":{acme},\"archived\":{acme},\"restored\":0,\"restores_started\":{acme},\"restores_under_way\":0}}"), (restored.ExitCode, restored.Figures));
    }

    private async Task<(int ExitCode, string Text, string Figures)> RestoreAsync(ArchiveRestore restore, ReplayRange range, string tier)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 400;
        var exitCode = await RestoreCommand.RunAsync(restore, range, 7, tier, console, CancellationToken.None);
        var text = output.ToString();
        _output.Write(text);
        return (exitCode, text, text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim());
    }

    private S3Reader Reader() =>
        new(new AwsServiceOptions(fixture.RegionA, fixture.Cloud.Credentials, AwsEnvironment.HttpClient) { EndpointOverride = fixture.Cloud.Region(fixture.RegionA).S3Endpoint });

    private LocalReplay Machine(ArchivedStream archive) => new(fixture.Cloud, fixture.RegionA, archive.Bucket, new LocalTopics(), TextWriter.Null);
}
