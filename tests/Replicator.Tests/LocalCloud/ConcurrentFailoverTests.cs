using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.Failover;
using Xunit.Abstractions;

namespace Replicator.Tests.LocalCloud;

/// <summary>
/// Issue 15, item 2, on three regions joined as global tables with 1 s replication lag: failovers A→B
/// and A→C started at once. Before the claim, both passed their conditional writes (each judged by its
/// own region's replica), both succeeded, and replication kept one flip while DNS followed the other.
/// </summary>
[Collection(OwnCloudCollection.Name)]
public sealed class ConcurrentFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Of_two_failovers_started_at_once_in_two_regions_exactly_one_wins_and_nothing_is_lost()
    {
        await using var cloud = await TwoRegionCloud.StartAsync(
            [TwoRegionCloud.DefaultRegionA, TwoRegionCloud.DefaultRegionB, "eu-west-1"], replicationLag: TwoRegionCloud.DefaultReplicationLag);

        var result = await ConcurrentFailoverDrill.RunAsync(cloud, TextWriter.Null, CancellationToken.None);

        output.WriteLine(result.FiguresJson());
        Assert.Equal(1, result.Winners);
        var loser = result.Attempts.Single(a => !a.IsSuccess);
        Assert.Equal("FailoverConflict", loser.Error);
        Assert.True(result.Agreed, $"replicas {string.Join(", ", result.ActiveInEachRegion.Select(r => $"{r.Key}: {r.Value}"))}, DNS {result.Dns}");
        Assert.Equal((0, 0), (result.InActiveRegion.Missing, result.InActiveRegion.OrderViolations));
    }
}
