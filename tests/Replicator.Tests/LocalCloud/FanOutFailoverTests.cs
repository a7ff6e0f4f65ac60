using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.Failover;
using Xunit.Abstractions;

namespace Replicator.Tests.LocalCloud;

/// <summary>
/// Issue 15, item 3, on a cloud of three regions: a failover from A to B drains what A owes C too.
/// Before, the drain measured only B, the flip gated A's relays off, and C kept whatever A had not yet
/// relayed to it (thousands of records here) missing for good.
/// </summary>
[Collection(OwnCloudCollection.Name)]
public sealed class FanOutFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_failover_drains_every_region_the_source_feeds_so_a_third_region_loses_nothing()
    {
        await using var cloud = await TwoRegionCloud.StartAsync([TwoRegionCloud.DefaultRegionA, TwoRegionCloud.DefaultRegionB, "eu-west-1"], replicationLag: TwoRegionCloud.DefaultReplicationLag);

        var result = await FanOutFailoverDrill.RunAsync(cloud, TextWriter.Null, CancellationToken.None);

        output.WriteLine(result.FiguresJson());
        Assert.True(result.Failover.IsSuccess, result.Failover.Cause);
        Assert.True(result.Acknowledged > FanOutFailoverDrill.BacklogIntoC);
        Assert.Equal((0, 0), (result.InTarget.Missing, result.InTarget.OrderViolations));
        Assert.Equal((0, 0), (result.InThirdRegion.Missing, result.InThirdRegion.OrderViolations));
        Assert.Equal(0, result.Looped);
    }
}
