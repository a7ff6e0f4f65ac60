using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Replicator.Lambda;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Verification;
using Replicator.Monitoring;
using Replicator.Relay;
using Replicator.Telemetry;

namespace Replicator.Tests.LocalCloud;

[Collection(LocalCloudCollection.Name)]
public sealed class LagMonitorTests(LocalCloudFixture fixture)
{
    private CheckpointStore Checkpoints => new(fixture.DynamoDb, ReplicatorTables.Checkpoint, TimeProvider.System);

    [Fact]
    public async Task Lag_is_the_records_after_each_checkpoint_and_the_oldest_ones_age_and_drops_to_zero_when_caught_up_however_idle()
    {
        var stream = await fixture.CreateStreamAsync("lag", fixture.RegionA, shards: 2);
        var source = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        await new CdcProducer(source, stream).ProduceAsync(CdcProducer.Generate(200, keys: 40, DateTimeOffset.UtcNow), 200, null, CancellationToken.None);
        var shards = await StreamContents.ReadAsync(source, stream, CancellationToken.None);
        Assert.All(shards, s => Assert.True(s.Records.Count > 10));
        // Shard 0 replicated up to its 10th record; shard 1 not at all.
        await Checkpoints.AdvanceAsync(stream, new ShardCheckpoint(fixture.RegionB, shards[0].ShardId, shards[0].Records[9].SequenceNumber, DateTimeOffset.UtcNow, fixture.RegionA), CancellationToken.None);
        var oldestUnreplicated = shards.Select(s => s == shards[0] ? s.Records[10] : s.Records[0]).Min(r => r.ApproximateArrivalTimestamp);
        var aMinuteLater = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds((long)(oldestUnreplicated * 1000)).AddSeconds(60));
        var meter = new LagMeter(source, fixture.RegionA, Checkpoints, aMinuteLater);

        var behind = await meter.MeasureAsync(stream, fixture.RegionB, fixture.RegionA, CancellationToken.None);

        Assert.Equal(shards[0].Records.Count - 10, behind.Shards[0].RecordsBehind);
        Assert.Equal(shards[1].Records.Count, behind.Shards[1].RecordsBehind);
        Assert.Equal(200 - 10, behind.RecordsBehind);
        Assert.Equal(60, behind.SecondsBehind, precision: 0);

        foreach (var shard in shards)
        {
            await Checkpoints.AdvanceAsync(stream, new ShardCheckpoint(fixture.RegionB, shard.ShardId, shard.Records[^1].SequenceNumber, DateTimeOffset.UtcNow, fixture.RegionA), CancellationToken.None);
        }

        // Hours later with nothing new: caught up is 0, not the age of the last record replicated.
        aMinuteLater.Advance(TimeSpan.FromHours(3));
        var caughtUp = await meter.MeasureAsync(stream, fixture.RegionB, fixture.RegionA, CancellationToken.None);

        Assert.Equal(0, caughtUp.RecordsBehind);
        Assert.Equal(0, caughtUp.SecondsBehind);
    }

    [Fact]
    public async Task Shards_longer_than_one_page_are_read_and_counted_to_their_tail()
    {
        var stream = await fixture.CreateStreamAsync("longshard", fixture.RegionA);
        var source = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        await new CdcProducer(source, stream).ProduceAsync(CdcProducer.Generate(12_500, keys: 500, DateTimeOffset.UtcNow), 2_500, null, CancellationToken.None);

        var contents = await StreamContents.ReadAsync(source, stream, CancellationToken.None);
        var lag = await new LagMeter(source, fixture.RegionA, Checkpoints, TimeProvider.System).MeasureAsync(stream, fixture.RegionB, fixture.RegionA, CancellationToken.None);

        Assert.Equal(12_500, Assert.Single(contents).Records.Count);
        Assert.Equal(12_500, lag.RecordsBehind);
    }

    [Fact]
    public async Task The_function_emits_lag_metrics_per_stream_and_target_and_zero_for_streams_active_elsewhere()
    {
        var here = await fixture.CreateStreamAsync("lagfn", fixture.RegionA);
        var elsewhere = await fixture.CreateStreamAsync("lagfn", fixture.RegionA);
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, here, fixture.RegionA, CancellationToken.None);
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, elsewhere, fixture.RegionB, CancellationToken.None);
        var source = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        await new CdcProducer(source, here).ProduceAsync(CdcProducer.Generate(25, keys: 5, DateTimeOffset.UtcNow), 25, null, CancellationToken.None);
        var log = new StringWriter();
        var environment = LocalFunctionEnvironment.LagMonitor(fixture.Cloud, fixture.RegionA, [here, elsewhere], [fixture.RegionB, "eu-west-1"]);

        var report = await LagMonitorFunction.Create(environment, log).MeasureAsync("req-lag", CancellationToken.None);

        Assert.Equal([elsewhere], report.NotActiveHere);
        Assert.Equal([fixture.RegionB, "eu-west-1"], report.Measured.Select(m => m.TargetRegion));
        Assert.All(report.Measured, m => Assert.Equal(25, m.RecordsBehind));
        var lines = MetricLines(log, MetricNames.RecordsBehind);
        Assert.Equal(4, lines.Length);
        Assert.All(lines, line =>
        {
            var measured = line.GetProperty("StreamName").GetString() == here;
            Assert.Equal(measured ? 25 : 0, line.GetProperty(MetricNames.RecordsBehind).GetDouble());
            Assert.True(measured ? line.GetProperty(MetricNames.CheckpointLagSeconds).GetDouble() >= 0 : line.GetProperty(MetricNames.CheckpointLagSeconds).GetDouble() == 0);
        });
        // The stream active elsewhere owes nothing from here: 0 per target keeps its series (and a standby's alarms) alive.
        Assert.Equal(2, lines.Count(l => l.GetProperty("StreamName").GetString() == elsewhere));
    }

    /// <summary>The monitor spends one page of the shard's reads a minute, not the whole backlog it measures.</summary>
    [Fact]
    public async Task The_monitor_reads_one_page_of_a_long_backlog_and_reports_its_count_as_a_lower_bound_and_its_age_exactly()
    {
        var stream = await fixture.CreateStreamAsync("lagpage", fixture.RegionA);
        var source = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        await new CdcProducer(source, stream).ProduceAsync(CdcProducer.Generate(3_000, keys: 500, DateTimeOffset.UtcNow), 1_000, null, CancellationToken.None);
        var oldest = (await StreamContents.ReadAsync(source, stream, CancellationToken.None))[0].Records[0].ApproximateArrivalTimestamp;
        var aMinuteLater = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds((long)(oldest * 1000)).AddSeconds(60));

        var lag = await new LagMeter(source, fixture.RegionA, Checkpoints, aMinuteLater, LagMeter.OnePage).MeasureAsync(stream, fixture.RegionB, fixture.RegionA, CancellationToken.None);

        Assert.Equal((LagMeter.OnePage, true), (lag.RecordsBehind, lag.AtLeast));
        Assert.Equal(60, lag.SecondsBehind, precision: 0);
    }

    /// <summary>A shard that refuses the monitor's read (its five reads a second spent) is a reported gap, not a silent missing metric.</summary>
    [Fact]
    public async Task A_refused_read_is_reported_as_a_gap_and_no_lag_is_made_up()
    {
        var stream = await fixture.CreateStreamAsync("laggap", fixture.RegionA);
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionA, CancellationToken.None);
        var emulator = fixture.Cloud.Kinesis(fixture.RegionA).Emulator;
        var frozen = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var strict = new Replicator.LocalCloud.Limits.StrictKinesis(emulator, fixture.RegionA, fixture.Cloud.Credentials, Replicator.LocalCloud.Limits.KinesisLimits.Strict, frozen);
        var reader = new Replicator.Aws.Kinesis.KinesisClient(new Replicator.Aws.Json.AwsServiceOptions(fixture.RegionA, fixture.Cloud.Credentials, Replicator.Aws.AwsEnvironment.HttpClient) { EndpointOverride = strict.Endpoint, Retry = Replicator.Aws.Json.RetrySettings.None });
        var iterator = (await reader.GetShardIteratorAsync(new Replicator.Aws.Kinesis.GetShardIteratorRequest(stream, "shardId-000000000000", Replicator.Aws.Kinesis.ShardIteratorTypes.TrimHorizon), CancellationToken.None)).ShardIterator;
        for (var read = 0; read < 5; read++)
        {
            iterator = (await reader.GetRecordsAsync(new Replicator.Aws.Kinesis.GetRecordsRequest(iterator!), CancellationToken.None)).NextShardIterator;
        }

        var environment = LocalFunctionEnvironment.LagMonitor(fixture.Cloud, fixture.RegionA, [stream], [fixture.RegionB]);
        environment[LagMonitorEnvironment.KinesisEndpoint] = strict.Endpoint.ToString();
        var log = new StringWriter();

        var report = await LagMonitorFunction.Create(environment, log).MeasureAsync("req-gap", CancellationToken.None);

        Assert.Empty(report.Measured);
        Assert.Equal((stream, fixture.RegionB), (Assert.Single(report.Unmeasured).StreamName, report.Unmeasured[0].TargetRegion));
        Assert.Equal(1, Assert.Single(MetricLines(log, MetricNames.LagUnmeasured)).GetProperty(MetricNames.LagUnmeasured).GetDouble());
        Assert.Empty(MetricLines(log, MetricNames.CheckpointLagSeconds));
    }

    /// <summary>
    /// The failover's drain counts the whole backlog through a client that does not retry (so an
    /// unreachable source shows at once). A shard whose five reads a second are spent by its other
    /// readers is busy, not unreachable: the count waits its turn. Before, the refusal failed the poll
    /// and the drain reported the source unreachable, as the fan-out drill's polls showed.
    /// </summary>
    [Fact]
    public async Task Counting_the_whole_backlog_waits_for_a_throttled_shard_instead_of_failing()
    {
        var stream = await fixture.CreateStreamAsync("lagbusy", fixture.RegionA);
        await new CdcProducer(fixture.Cloud.CreateKinesisClient(fixture.RegionA), stream).ProduceAsync(CdcProducer.Generate(30, keys: 5, DateTimeOffset.UtcNow), 30, null, CancellationToken.None);
        var reader = new Replicator.Aws.Kinesis.KinesisClient(new Replicator.Aws.Json.AwsServiceOptions(fixture.RegionA, fixture.Cloud.Credentials, Replicator.Aws.AwsEnvironment.HttpClient)
        {
            EndpointOverride = fixture.Cloud.Region(fixture.RegionA).KinesisEndpoint,
            Retry = Replicator.Aws.Json.RetrySettings.None,
        });
        var iterator = (await reader.GetShardIteratorAsync(new Replicator.Aws.Kinesis.GetShardIteratorRequest(stream, "shardId-000000000000", Replicator.Aws.Kinesis.ShardIteratorTypes.TrimHorizon), CancellationToken.None)).ShardIterator;
        for (var read = 0; read < 5; read++)
        {
            iterator = (await reader.GetRecordsAsync(new Replicator.Aws.Kinesis.GetRecordsRequest(iterator!), CancellationToken.None)).NextShardIterator;
        }

        var lag = await new LagMeter(reader, fixture.RegionA, Checkpoints, TimeProvider.System).MeasureAsync(stream, fixture.RegionB, fixture.RegionA, CancellationToken.None);

        Assert.Equal((30, false), (lag.RecordsBehind, lag.AtLeast));
    }

    /// <summary>
    /// Issue 13: an adopted stream may allow records up to 10 MiB (UpdateMaxRecordSize), beyond the
    /// 4,393 KiB an invocation carries (InvocationPayload). The monitor flags it, whichever region is
    /// active, and emits 0 for a stream at or below the bound, so the alarm on it has a series.
    /// </summary>
    [Theory]
    [InlineData(null, false)]
    [InlineData(InvocationPayload.MaxDeliverableKinesisRecordKiB, false)]
    [InlineData(InvocationPayload.MaxDeliverableKinesisRecordKiB + 1, true)]
    [InlineData(10240, true)]
    public async Task A_stream_allowing_records_an_invocation_cannot_carry_is_flagged(int? maxRecordKiB, bool flagged)
    {
        var stream = await fixture.CreateStreamAsync("lagsize", fixture.RegionA);
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionB, CancellationToken.None);
        var kinesis = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        if (maxRecordKiB is { } kiB)
        {
            await kinesis.UpdateMaxRecordSizeAsync((await kinesis.DescribeStreamSummaryAsync(stream, CancellationToken.None)).StreamARN, kiB, CancellationToken.None);
        }

        var log = new StringWriter();

        var report = await LagMonitorFunction.Create(LocalFunctionEnvironment.LagMonitor(fixture.Cloud, fixture.RegionA, [stream], [fixture.RegionB]), log).MeasureAsync("req-size", CancellationToken.None);

        var line = Assert.Single(MetricLines(log, MetricNames.RecordSizeBeyondDelivery));
        Assert.Equal(flagged ? 1 : 0, line.GetProperty(MetricNames.RecordSizeBeyondDelivery).GetDouble());
        Assert.Equal(stream, line.GetProperty("StreamName").GetString());
        Assert.Equal(flagged ? [new RecordSizeBeyondDelivery(stream, maxRecordKiB!.Value, InvocationPayload.MaxDeliverableKinesisRecordKiB)] : [], report.RecordSizeBeyondDelivery);
    }

    /// <summary>
    /// Issue 16: the drift the failover's verify step would stop on, flagged every minute before a failover
    /// needs it. A target region that does not answer (here one the local cloud does not run, whose
    /// connections are refused) is a gap in the report, and the rest is still measured.
    /// </summary>
    [Theory]
    [InlineData(null, 0)]
    [InlineData(2048, 1)]
    public async Task The_monitor_counts_the_targets_settings_that_lose_data_and_reports_a_silent_target_as_a_gap(int? sourceMaxRecordKiB, int drift)
    {
        var stream = await fixture.CreateStreamPairAsync("lagdrift");
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionA, CancellationToken.None);
        if (sourceMaxRecordKiB is { } kiB)
        {
            // The source takes records up to 2 MiB, the target still refuses them above 1 MiB.
            var source = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
            await source.UpdateMaxRecordSizeAsync((await source.DescribeStreamSummaryAsync(stream, CancellationToken.None)).StreamARN, kiB, CancellationToken.None);
        }

        var log = new StringWriter();

        var report = await LagMonitorFunction.Create(LocalFunctionEnvironment.LagMonitor(fixture.Cloud, fixture.RegionA, [stream], [fixture.RegionB, "eu-west-1"]), log)
            .MeasureAsync("req-drift", CancellationToken.None);

        var line = Assert.Single(MetricLines(log, MetricNames.StreamConfigurationDrift));
        Assert.Equal(drift, line.GetProperty(MetricNames.StreamConfigurationDrift).GetDouble());
        Assert.Equal(fixture.RegionB, line.GetProperty("TargetRegion").GetString());
        Assert.Equal(drift == 0 ? [] : ["MaxRecordSizeInKiB"], report.ConfigurationDrift.SelectMany(d => d.Differences).Select(d => d.Setting));
        Assert.Equal(["eu-west-1"], report.DriftUnmeasured.Select(g => g.TargetRegion));
        Assert.Equal([fixture.RegionB, "eu-west-1"], report.Measured.Select(m => m.TargetRegion));
    }

    [Fact]
    public async Task The_local_Kinesis_refuses_a_maximum_record_size_outside_the_api_range()
    {
        var stream = await fixture.CreateStreamAsync("lagsizebad", fixture.RegionA);
        var kinesis = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        var arn = (await kinesis.DescribeStreamSummaryAsync(stream, CancellationToken.None)).StreamARN;

        var error = await Assert.ThrowsAsync<Replicator.Aws.Json.AwsServiceException>(() => kinesis.UpdateMaxRecordSizeAsync(arn, 10241, CancellationToken.None));

        Assert.Equal("ValidationException", error.ErrorCode);
        Assert.Null((await kinesis.DescribeStreamSummaryAsync(stream, CancellationToken.None)).MaxRecordSizeInKiB);
    }

    /// <summary>
    /// Issue 14, item 2, on the local cloud: the monitor keeps the stream's lastReplicatedCommitTimestamp
    /// just below the earliest commit it reads after a checkpoint, so every record committed at or before
    /// it is replicated (checked record by record); once every shard is at its tail, it is the latest commit.
    /// Before, the relay kept the minimum over shards of each one's latest commit: shard 1's replicated
    /// prefix holds later commits than some of its unreplicated records, so that overstated it.
    /// </summary>
    [Fact]
    public async Task The_monitor_raises_the_watermark_to_just_below_the_earliest_unreplicated_commit()
    {
        var stream = await fixture.CreateStreamAsync("lagwm", fixture.RegionA, shards: 2);
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionA, CancellationToken.None);
        var source = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        // Keys interleave out of commit order: each record's commit is up to a minute before the previous one's.
        var random = new Random(7);
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var produced = CdcProducer.Generate(200, keys: 40, start).Select((r, i) => r with { CommitTimestamp = start.AddSeconds(i - random.Next(0, 60)) }).ToList();
        await new CdcProducer(source, stream).ProduceAsync(produced, 200, null, CancellationToken.None);
        var shards = await StreamContents.ReadAsync(source, stream, CancellationToken.None);
        Assert.All(shards, s => Assert.True(s.Records.Count > 20));
        var commits = shards.Select(s => s.Records.Select(r => CdcRecord.Parse(r.Data).CommitTimestamp).ToList()).ToList();
        // Shard 0 at its tail; shard 1 replicated up to its 20th record.
        await AdvanceAsync(stream, shards[0].ShardId, shards[0].Records[^1].SequenceNumber, commits[0].Max());
        await AdvanceAsync(stream, shards[1].ShardId, shards[1].Records[19].SequenceNumber, commits[1].Take(20).Max());
        var monitor = LagMonitorFunction.Create(LocalFunctionEnvironment.LagMonitor(fixture.Cloud, fixture.RegionA, [stream], [fixture.RegionB]), TextWriter.Null);

        var report = await monitor.MeasureAsync("req-wm", CancellationToken.None);
        var watermark = (await Checkpoints.ReadWatermarkAsync(stream, CancellationToken.None)).Value;

        Assert.Equal([stream], report.WatermarksRaised);
        Assert.Equal(commits[1].Skip(20).Min().AddMilliseconds(-1), watermark);
        var unreplicatedAtOrBefore = commits[1].Skip(20).Where(c => c <= watermark).ToList();
        Assert.Empty(unreplicatedAtOrBefore);
        Assert.True(commits[1].Take(20).Max() > watermark, "the test should have a replicated commit later than an unreplicated one");

        await AdvanceAsync(stream, shards[1].ShardId, shards[1].Records[^1].SequenceNumber, commits[1].Max());
        await monitor.MeasureAsync("req-wm-2", CancellationToken.None);

        Assert.Equal(commits.SelectMany(c => c).Max(), (await Checkpoints.ReadWatermarkAsync(stream, CancellationToken.None)).Value);
    }

    private Task AdvanceAsync(string stream, string shardId, string sequenceNumber, DateTimeOffset commit) =>
        Checkpoints.AdvanceAsync(stream, new ShardCheckpoint(fixture.RegionB, shardId, sequenceNumber, commit, fixture.RegionA), CancellationToken.None);

    private static JsonElement[] MetricLines(StringWriter log, string metric) =>
        log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).Where(l => l.TryGetProperty(metric, out _)).ToArray();
}
