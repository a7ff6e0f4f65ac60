using Replicator.LocalCloud.Resharding;
using Xunit.Abstractions;

namespace Replicator.Tests.LocalCloud;

/// <summary><c>replicator drill reshard</c>'s scenario, smaller: both streams reshard while producers write, with a mapping that reads children at once.</summary>
[Collection(DrillCloudCollection.Name)]
public sealed class ReshardDrillTests(LocalCloudFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Replication_across_splits_merges_and_scalings_of_both_streams_loses_and_reorders_nothing()
    {
        var result = await ReshardDrill.RunAsync(fixture.Cloud, TextWriter.Null, null, CancellationToken.None, records: 8_000);

        output.WriteLine(result.FiguresJson());
        Assert.Equal((8_000, 0, 0, 0), (result.Check.Found, result.Check.Missing, result.Check.OrderViolations, result.Check.Unexpected));
        Assert.Equal(5, result.Reshards);
        Assert.True(result.ClosedShards >= 5, $"{result.ClosedShards} source shards closed");
        Assert.Equal(result.ClosedShards, result.ClosedShardsDone);
        Assert.True(result.Passed, result.FiguresJson());
    }
}
