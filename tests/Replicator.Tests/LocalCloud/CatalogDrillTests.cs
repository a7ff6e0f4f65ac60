using Replicator.LocalCloud.Catalog;
using Xunit.Abstractions;

namespace Replicator.Tests.LocalCloud;

/// <summary><c>replicator drill catalog</c>'s scenario: four syncs by the state machine, every entity and copied grant compared after each.</summary>
[Collection(DrillCloudCollection.Name)]
public sealed class CatalogDrillTests(LocalCloudFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task First_no_op_changed_and_deleting_syncs_write_exactly_what_differs()
    {
        var result = await CatalogDrill.RunAsync(fixture.Cloud, TextWriter.Null, null, CancellationToken.None);

        output.WriteLine(result.FiguresJson());
        Assert.Equal(2 + 10 + 10_000, result.FirstWrites);
        Assert.Equal(0, result.NoopWrites);
        Assert.Equal(result.ExpectedChangeWrites, result.ChangeWrites);
        Assert.Equal(0, result.Mismatches);
        // Per database: the reader's DESCRIBE on it, DESCRIBE and SELECT on its tables, one table's SELECT, one column
        // grant, the stale reader's SELECT revoked, a data cells filter and the SELECT through it; not the ALTER,
        // nor the source stack's tenant role.
        Assert.Equal(2 * 8, result.FirstGrantWrites);
        Assert.Equal(0, result.GrantMismatches);
    }
}
