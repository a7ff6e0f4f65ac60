using Replicator.Aws.Glue;
using Replicator.Catalog;

namespace Replicator.Benchmarks.CatalogSync;

/// <summary>
/// The baseline: a catalog replication in the style of the public Glue catalog replication utility,
/// which, every run, updates every table and deletes and recreates every partition (and never rewrites
/// locations or propagates deletes). Built here only to be measured against.
/// </summary>
public sealed class RecreateEverythingBaseline(GlueClient source, GlueClient replica)
{
    public async Task RunAsync(string database, CancellationToken cancellationToken)
    {
        foreach (var table in await source.GetTablesAsync(database, cancellationToken))
        {
            var name = CatalogDiff.NameOf(table);
            await replica.UpdateTableAsync(database, CatalogInputs.Table(table, LocationRewriter.None), cancellationToken);
            var partitions = await source.GetAllPartitionsAsync(database, name, Replicator.Catalog.CatalogSync.PartitionPageSize, cancellationToken);

            foreach (var batch in partitions.Chunk(GlueClient.MaxBatchDelete))
            {
                await replica.BatchDeletePartitionAsync(database, name, batch.Select(p => p["Values"]!.AsArray()).ToList(), cancellationToken);
            }

            foreach (var batch in partitions.Chunk(GlueClient.MaxBatchWrite))
            {
                await replica.BatchCreatePartitionAsync(database, name, batch.Select(p => CatalogInputs.Partition(p, LocationRewriter.None)).ToList(), cancellationToken);
            }
        }
    }
}
