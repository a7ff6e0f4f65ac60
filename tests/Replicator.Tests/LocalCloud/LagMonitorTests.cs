using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
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
        await Checkpoints.AdvanceAsync(stream, new ShardCheckpoint(fixture.RegionB, shards[0].ShardId, shards[0].Records[9].SequenceNumber, DateTimeOffset.UtcNow), shards.Select(s => s.ShardId).ToArray(), CancellationToken.None);
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
            await Checkpoints.AdvanceAsync(stream, new ShardCheckpoint(fixture.RegionB, shard.ShardId, shard.Records[^1].SequenceNumber, DateTimeOffset.UtcNow), shards.Select(s => s.ShardId).ToArray(), CancellationToken.None);
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
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
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
}
