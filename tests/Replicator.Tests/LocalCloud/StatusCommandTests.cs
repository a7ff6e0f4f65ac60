using Replicator.Cli.Status;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;
using Spectre.Console;

namespace Replicator.Tests.LocalCloud;

[Collection(LocalCloudCollection.Name)]
public sealed class StatusCommandTests(LocalCloudFixture fixture)
{
    [Fact]
    public async Task Shows_the_active_region_each_shards_checkpoint_and_the_records_behind()
    {
        var stream = await fixture.CreateStreamAsync("status", fixture.RegionA, shards: 2);
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionA, CancellationToken.None);
        var source = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        await new CdcProducer(source, stream).ProduceAsync(CdcProducer.Generate(40, keys: 8, DateTimeOffset.UtcNow), 40, null, CancellationToken.None);
        var shards = await StreamContents.ReadAsync(source, stream, CancellationToken.None);
        var checkpointed = shards[0].Records[^1];
        await new CheckpointStore(fixture.DynamoDb, ReplicatorTables.Checkpoint, TimeProvider.System).AdvanceAsync(
            stream, new ShardCheckpoint(fixture.RegionB, shards[0].ShardId, checkpointed.SequenceNumber, DateTimeOffset.UtcNow, fixture.RegionA), CancellationToken.None);

        var (exitCode, text) = await StatusAsync(stream);

        Assert.Equal(0, exitCode);
        Assert.Contains($"active region {fixture.RegionA}", text, StringComparison.Ordinal);
        // Shard 0 is caught up, so the earliest commit among shard 1's records bounds the watermark.
        var watermark = shards[1].Records.Min(r => CommitTimestamps.Effective(CdcRecord.Parse(r.Data).CommitTimestamp, r.ArrivedAt)).AddMilliseconds(-1);
        Assert.Contains($"→ {fixture.RegionB}: {shards[1].Records.Count} records", text, StringComparison.Ordinal);
        Assert.Contains($"watermark {CommitTimestamps.Format(watermark)}", text, StringComparison.Ordinal);
        Assert.Contains(checkpointed.SequenceNumber, text, StringComparison.Ordinal);
        Assert.Contains("(none yet)", text, StringComparison.Ordinal);
    }

    /// <summary>Issue 16: after a split the parent is closed; replicated to its end, it shows as done.</summary>
    [Fact]
    public async Task Shows_a_closed_shard_replicated_to_its_end_as_done()
    {
        var stream = await fixture.CreateStreamAsync("status-split", fixture.RegionA);
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionA, CancellationToken.None);
        var source = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        await new CdcProducer(source, stream).ProduceAsync(CdcProducer.Generate(20, keys: 4, DateTimeOffset.UtcNow), 20, null, CancellationToken.None);
        await source.SplitShardAsync(new Replicator.Aws.Kinesis.SplitShardRequest(stream, "shardId-000000000000", (System.Numerics.BigInteger.One << 127).ToString(System.Globalization.CultureInfo.InvariantCulture)), CancellationToken.None);
        await source.WaitUntilActiveAsync(stream, CancellationToken.None);
        var parent = (await StreamContents.ReadAsync(source, stream, CancellationToken.None)).Single(s => s.ShardId == "shardId-000000000000");
        await new CheckpointStore(fixture.DynamoDb, ReplicatorTables.Checkpoint, TimeProvider.System).AdvanceAsync(
            stream, new ShardCheckpoint(fixture.RegionB, parent.ShardId, parent.TailSequenceNumber!, DateTimeOffset.UtcNow, fixture.RegionA), CancellationToken.None);

        var (exitCode, text) = await StatusAsync(stream);

        Assert.Equal(0, exitCode);
        var rows = text.Split('\n');
        Assert.Contains("closed, done", rows.Single(r => r.Contains("shardId-000000000000", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("open", rows.Single(r => r.Contains("shardId-000000000001", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    /// <summary>Issue 16: status compares the target's stream with the source's and names what loses data.</summary>
    [Fact]
    public async Task Shows_how_the_targets_stream_differs_from_the_sources()
    {
        var stream = await fixture.CreateStreamPairAsync("status-parity");
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionA, CancellationToken.None);

        var (_, same) = await StatusAsync(stream);

        Assert.Contains($"configuration in {fixture.RegionB}: same as the source's", same, StringComparison.Ordinal);

        var source = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        await source.UpdateMaxRecordSizeAsync((await source.DescribeStreamSummaryAsync(stream, CancellationToken.None)).StreamARN, 2048, CancellationToken.None);

        var (exitCode, drifted) = await StatusAsync(stream);

        Assert.Equal(0, exitCode);
        Assert.Contains($"configuration in {fixture.RegionB}: MaxRecordSizeInKiB 1024 (source 2048)", drifted, StringComparison.Ordinal);
        Assert.Contains($"UpdateMaxRecordSize to 2048 in {fixture.RegionB}", drifted, StringComparison.Ordinal);
    }

    /// <summary><c>replicator status</c> for one stream in region A towards B, as its console prints it.</summary>
    private async Task<(int ExitCode, string Text)> StatusAsync(string stream)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 400;
        var options = new StatusOptions(
            [stream], fixture.RegionA, [fixture.RegionB],
            KinesisEndpoint: fixture.Cloud.Region(fixture.RegionA).KinesisEndpoint,
            DynamoDbEndpoint: fixture.Cloud.Region(fixture.RegionA).DynamoDbEndpoint,
            TargetKinesisEndpoints: new Dictionary<string, Uri> { [fixture.RegionB] = fixture.Cloud.Region(fixture.RegionB).KinesisEndpoint });
        var exitCode = await StatusCommand.RunAsync(options, fixture.Cloud.Credentials, console, CancellationToken.None);
        return (exitCode, output.ToString());
    }
}
