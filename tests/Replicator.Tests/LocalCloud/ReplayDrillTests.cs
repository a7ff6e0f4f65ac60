using Replicator.LocalCloud.Replay;
using Xunit.Abstractions;

namespace Replicator.Tests.LocalCloud;

/// <summary>
/// <c>replicator drill replay</c>'s scenario at a smaller size (the command's 50,000 records took a minute
/// of the suite): 20,000 archived records, three of six hours replayed in four lanes, stopped and resumed.
/// </summary>
[Collection(LocalCloudCollection.Name)]
public sealed class ReplayDrillTests(LocalCloudFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_stopped_and_resumed_replay_delivers_exactly_the_range_in_per_key_order_with_duplicates_within_its_bound()
    {
        var result = await ReplayDrill.RunAsync(fixture.Cloud, TextWriter.Null, null, CancellationToken.None, records: 20_000);

        output.WriteLine(result.FiguresJson());
        Assert.Equal(10_000, result.Expected);
        Assert.InRange(result.StoppedAt, 1, result.Expected - 1);
        Assert.Equal((result.Expected, 0, 0, 0), (result.Replayed, result.Lost, result.Extra, result.OrderViolations));
        Assert.Equal(result.Expected, result.Reported);
        Assert.InRange(result.Duplicates, 0, result.MaxDuplicates);
        Assert.True(result.Passed);
    }
}
