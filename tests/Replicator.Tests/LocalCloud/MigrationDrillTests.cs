using Replicator.LocalCloud.Migration;
using Xunit.Abstractions;

namespace Replicator.Tests.LocalCloud;

/// <summary><c>replicator drill migrate</c>'s scenario: seed 004's relay stopped mid-stream, this relay deployed over the same stream and tables.</summary>
[Collection(DrillCloudCollection.Name)]
public sealed class MigrationDrillTests(LocalCloudFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Switching_from_seed_004_mid_stream_loses_and_reorders_nothing_and_takes_over_its_watermark()
    {
        var result = await MigrationDrill.RunAsync(fixture.Cloud, TextWriter.Null, null, CancellationToken.None, records: 6_000);

        output.WriteLine(result.FiguresJson());
        Assert.Equal((6_000, 0, 0, 0), (result.Check.Found, result.Check.Missing, result.Check.OrderViolations, result.Check.Unexpected));
        Assert.InRange(result.SeedRelayed, 1, 5_999);
        // Seed 004 stored the producer's text: whole seconds, no fraction. This relay's form replaces it.
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", result.SeedWatermark!);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", result.Watermark!);
        Assert.True(result.Passed, result.FiguresJson());
    }
}
