using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.Failover;
using Xunit.Abstractions;

namespace Replicator.Tests.LocalCloud;

/// <summary>Forced failover with the source region's emulators stopped mid-drain, on a cloud of its own (it stops a region).</summary>
[Collection(LocalCloudCollection.Name)]
public sealed class ForcedFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Forced_failover_with_the_source_down_reports_exactly_the_records_it_lost()
    {
        await using var cloud = await TwoRegionCloud.StartAsync(replicationLag: TwoRegionCloud.DefaultReplicationLag);
        using var log = new StringWriter();

        var result = await ForcedFailoverDrill.RunAsync(cloud, TextWriter.Synchronized(log), null, CancellationToken.None);

        output.WriteLine(result.FiguresJson());
        output.WriteLine($"{result.Execution.Error} {result.Execution.Cause}; states {string.Join(" → ", result.Execution.StatesEntered)}");
        Assert.True(result.Execution.IsSuccess, result.Execution.Cause);
        Assert.True((bool?)result.Execution.Output!["forced"]);
        Assert.True(result.ActualMissing > 0, "replication had fallen behind when the region went down");
        Assert.Equal(result.ActualMissing, result.ReportedRpoRecords);
        Assert.True((double?)result.Execution.Output["rpoSeconds"] > 0);
        Assert.Equal(FailoverDrill.ValueOf(TwoRegionCloud.DefaultRegionB), result.Dns);
        Assert.True(result.WrittenToTarget > 0, "producers moved to B");
        Assert.Equal(0, result.LostInTarget);
        Assert.Contains(result.Execution.StatesEntered, s => s == "Flip");
    }
}
