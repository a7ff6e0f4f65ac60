using Replicator.Aws.Glue;
using Replicator.Catalog;

namespace Replicator.LocalCloud.Verification;

/// <summary>Compares two regions' catalogs entity by entity, the way the sync decides what to write.</summary>
public static class CatalogComparison
{
    /// <summary>Tables and partitions of the source's databases whose replica input differs from the source's (rewritten), or that one side lacks.</summary>
    public static async Task<int> MismatchesAsync(GlueClient source, GlueClient replica, LocationRewriter locations, IEnumerable<string> databases, CancellationToken cancellationToken)
    {
        var mismatches = 0;
        foreach (var database in databases)
        {
            var sourceTables = await source.GetTablesAsync(database, cancellationToken).ConfigureAwait(false);
            var tables = CatalogDiff.Between(
                sourceTables.Select(t => CatalogInputs.Table(t, locations)),
                (await ReplicaTablesAsync(replica, database, cancellationToken).ConfigureAwait(false)).Select(t => CatalogInputs.Table(t, LocationRewriter.None)),
                CatalogDiff.NameOf);
            mismatches += tables.Writes;
            foreach (var table in sourceTables.Select(CatalogDiff.NameOf))
            {
                var partitions = CatalogDiff.Between(
                    (await AllPartitionsAsync(source, database, table, cancellationToken).ConfigureAwait(false)).Select(p => CatalogInputs.Partition(p, locations)),
                    (await AllPartitionsAsync(replica, database, table, cancellationToken).ConfigureAwait(false)).Select(p => CatalogInputs.Partition(p, LocationRewriter.None)),
                    CatalogInputs.PartitionKey);
                mismatches += partitions.Writes;
            }
        }

        return mismatches;
    }

    private static async Task<List<System.Text.Json.Nodes.JsonObject>> ReplicaTablesAsync(GlueClient replica, string database, CancellationToken cancellationToken)
    {
        try
        {
            return await replica.GetTablesAsync(database, cancellationToken).ConfigureAwait(false);
        }
        catch (EntityNotFoundException)
        {
            return [];
        }
    }

    private static async Task<List<System.Text.Json.Nodes.JsonObject>> AllPartitionsAsync(GlueClient glue, string database, string table, CancellationToken cancellationToken)
    {
        try
        {
            return await glue.GetAllPartitionsAsync(database, table, CatalogSync.PartitionPageSize, cancellationToken).ConfigureAwait(false);
        }
        catch (EntityNotFoundException)
        {
            // The replica lacks the table: all its partitions are missing.
            return [];
        }
    }
}
