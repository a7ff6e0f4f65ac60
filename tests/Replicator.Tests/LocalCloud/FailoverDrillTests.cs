using Xunit.Abstractions;
using Replicator.LocalCloud.Failover;

namespace Replicator.Tests.LocalCloud;

/// <summary>The failover state machine on the local cloud, under load, checked record by record against the producer's log.</summary>
[Collection(LocalCloudCollection.Name)]
public sealed class FailoverDrillTests(LocalCloudFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Planned_failover_and_failback_under_load_lose_nothing_keep_order_and_loop_nothing()
    {
        using var log = new StringWriter();
        var result = await PlannedFailoverDrill.RunAsync(fixture.Cloud, log, null, CancellationToken.None);
        output.WriteLine(result.FiguresJson());
        output.WriteLine($"failover: {result.Failover.Execution.Error} {result.Failover.Execution.Cause}; states {string.Join(" → ", result.Failover.Execution.StatesEntered)}");
        output.WriteLine($"failback: {result.Failback.Execution.Error} {result.Failback.Execution.Cause}");

        Assert.True(result.Failover.Execution.IsSuccess, result.Failover.Execution.Cause);
        Assert.True(result.Failback.Execution.IsSuccess, result.Failback.Execution.Cause);
        Assert.True(result.Failover.Acknowledged > 0 && result.Failback.Acknowledged > result.Failover.Acknowledged && result.Acknowledged > result.Failback.Acknowledged,
            "the producer kept writing through both moves");
        Assert.Equal((0, 0), (result.Failover.Lost, result.Failover.OrderViolations));
        Assert.Equal((0, 0), (result.Failback.Lost, result.Failback.OrderViolations));
        Assert.Equal(0, result.Looped);
        Assert.Equal(FailoverDrill.ValueOf(fixture.RegionB), result.Failover.Dns);
        Assert.Equal(FailoverDrill.ValueOf(fixture.RegionA), result.Failback.Dns);
        Assert.Equal(0, result.Failover.Figure("rpoRecords"));
        Assert.True(result.Failover.Figure("rtoSeconds") > 0);
        Assert.Equal(2, result.Notifications);
    }
}
