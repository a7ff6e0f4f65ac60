using Replicator.LocalCloud.Consumers;
using Replicator.LocalCloud.Emulators;
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
        // The baselines: TRIM_HORIZON re-reads everything A's consumer processed, LATEST skips what it had not.
        Assert.True(result.TrimHorizon.Duplicates > 10 * Math.Max(1, result.Translated.Duplicates), $"TRIM_HORIZON re-read {result.TrimHorizon.Duplicates}, translated {result.Translated.Duplicates}");
        Assert.True(result.Latest.Missed >= result.Unconsumed, $"LATEST missed {result.Latest.Missed} of {result.Unconsumed} unconsumed");
        Assert.True(result.Passed);
    }
}
