using System.Text.Json;
using Replicator.Failover;
using Replicator.LocalCloud.Consumers;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.Failover;
using Xunit.Abstractions;

namespace Replicator.Tests.LocalCloud;

/// <summary>Issue 17: a KCL-shaped consumer behind in A, failed over and translated into B, misses nothing and re-reads little.</summary>
[Collection(OwnCloudCollection.Name)]
public sealed class ConsumerDrillTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_translated_consumer_misses_nothing_and_rereads_within_its_bound_far_below_trim_horizon()
    {
        await using var cloud = await TwoRegionCloud.StartAsync(replicationLag: TwoRegionCloud.DefaultReplicationLag);

        var result = await ConsumerDrill.RunAsync(cloud, TextWriter.Null, CancellationToken.None);

        output.WriteLine(result.FiguresJson());
        Assert.True(result.FailedOver);
        Assert.True(result.Unconsumed > 0, "the consumer was behind when the stream failed over");
        Assert.Equal(0, result.Translated.Missed);
        Assert.NotNull(result.DuplicateBound);
        Assert.InRange(result.Translated.Duplicates, 0, result.DuplicateBound!.Value);
        // The baselines: TRIM_HORIZON re-reads everything A's consumer processed (some 4,500 records: 24 to 33 times the
        // translated consumer's in runs here), LATEST skips what it had not. Five times leaves room for a slow machine,
        // where A's consumer processes less in its 8 s.
        Assert.True(result.TrimHorizon.Duplicates > 5 * Math.Max(1, result.Translated.Duplicates), $"TRIM_HORIZON re-read {result.TrimHorizon.Duplicates}, translated {result.Translated.Duplicates}");
        Assert.True(result.Latest.Missed >= result.Unconsumed, $"LATEST missed {result.Latest.Missed} of {result.Unconsumed} unconsumed");
        Assert.True(result.Passed);
    }

    /// <summary>
    /// A consumer the failover cannot move (here: events/failover-with-consumers.json's applications, whose lease
    /// tables do not exist) fails the execution naming each, after the flip; the producers still move to B.
    /// </summary>
    [Fact]
    public async Task A_consumer_the_failover_cannot_move_fails_the_execution_naming_it_and_producers_still_move()
    {
        await using var cloud = await TwoRegionCloud.StartAsync(replicationLag: TwoRegionCloud.DefaultReplicationLag);
        var (a, b) = (cloud.Regions.First(), cloud.Regions.Last());
        var sample = JsonSerializer.Deserialize(
            await File.ReadAllBytesAsync(Path.Combine(Replicator.LocalCloud.RepositoryLayout.Root(), "events", "failover-with-consumers.json")), FailoverJsonContext.Default.FailoverInput)!;
        await using var drill = await FailoverDrill.StartAsync(cloud, $"consumers-fail-{Guid.NewGuid():N}"[..24], a, shards: 1, TextWriter.Null, CancellationToken.None);

        var result = await drill.Failover.RunAsync(drill.Input(a, b, force: false, TimeSpan.FromSeconds(60)) with { Consumers = sample.Consumers }, null, CancellationToken.None);

        output.WriteLine($"{result.Error}: {result.Cause}");
        Assert.Equal(nameof(ConsumerNotTranslatedException), result.Error);
        Assert.Contains("kcl-orders-projector", result.Cause, StringComparison.Ordinal);
        Assert.Contains("kcl-search-indexer", result.Cause, StringComparison.Ordinal);
        Assert.Contains("ConsumersNotMoved", result.StatesEntered);
        Assert.Equal(FailoverDrill.ValueOf(b), drill.Resolve());
        Assert.Contains(drill.Topics.Published, p => p.Message.Contains("kcl-orders-projector", StringComparison.Ordinal));
    }
}
