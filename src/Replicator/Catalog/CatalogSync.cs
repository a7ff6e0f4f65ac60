using System.Text.Json.Nodes;
using Replicator.Aws.Glue;
using Replicator.Aws.Json;

namespace Replicator.Catalog;

/// <summary>
/// Brings the replica region's Glue Data Catalog in line with the source's: databases, tables by
/// definition, partitions by values and storage descriptor, S3 locations rewritten. It writes only the
/// difference, in Glue's batch sizes. A table or partition that fails is reported by name and the rest
/// go on; the caller fails the run at the end if anything failed.
/// </summary>
public sealed class CatalogSync(GlueClient source, GlueClient replica)
{
    /// <summary>GetPartitions' largest page: a no-op sync reads no more pages than this allows.</summary>
    public const int PartitionPageSize = 1000;

    public async Task<CatalogSyncResult> RunAsync(CatalogSyncOptions options, CancellationToken cancellationToken)
    {
        var result = new CatalogSyncResult();
        var sourceDatabases = (await source.GetDatabasesAsync(cancellationToken).ConfigureAwait(false))
            .Where(d => options.Databases is null || options.Databases.Contains(CatalogDiff.NameOf(d)))
            .ToList();
        var databases = CatalogDiff.Between(
            sourceDatabases.Select(d => CatalogInputs.Database(d, options.Locations)),
            (await replica.GetDatabasesAsync(cancellationToken).ConfigureAwait(false)).Select(d => CatalogInputs.Database(d, LocationRewriter.None)),
            CatalogDiff.NameOf);
        result.Databases.Unchanged = databases.Unchanged;
        var failedDatabases = new HashSet<string>(StringComparer.Ordinal);
        foreach (var database in databases.Create.Concat(databases.Update))
        {
            var name = CatalogDiff.NameOf(database);
            var creating = databases.Create.Contains(database);
            var failure = await WriteAsync(options, result, "database", name, token => creating
                ? replica.CreateDatabaseAsync(database, token)
                : replica.UpdateDatabaseAsync(name, database, token), cancellationToken).ConfigureAwait(false);
            if (failure)
            {
                failedDatabases.Add(name);
            }
            else if (creating)
            {
                result.Databases.Created++;
            }
            else
            {
                result.Databases.Updated++;
            }
        }

        foreach (var database in sourceDatabases.Select(CatalogDiff.NameOf).Where(d => !failedDatabases.Contains(d)))
        {
            await SyncTablesAsync(database, options, result, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private async Task SyncTablesAsync(string database, CatalogSyncOptions options, CatalogSyncResult result, CancellationToken cancellationToken)
    {
        var sourceTables = await source.GetTablesAsync(database, cancellationToken).ConfigureAwait(false);
        // In a dry run a database still to be created has no tables in the replica yet.
        var replicaTables = await ReplicaTablesAsync(database, cancellationToken).ConfigureAwait(false);
        var tables = CatalogDiff.Between(
            sourceTables.Select(t => CatalogInputs.Table(t, options.Locations)),
            replicaTables.Select(t => CatalogInputs.Table(t, LocationRewriter.None)),
            CatalogDiff.NameOf);
        result.Tables.Unchanged += tables.Unchanged;

        var synced = new List<string>();
        foreach (var table in tables.Create.Concat(tables.Update))
        {
            var creating = tables.Create.Contains(table);
            var name = CatalogDiff.NameOf(table);
            if (await WriteAsync(options, result, "table", $"{database}.{name}", token => creating
                    ? replica.CreateTableAsync(database, table, token)
                    : replica.UpdateTableAsync(database, table, token), cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            if (creating)
            {
                result.Tables.Created++;
            }
            else
            {
                result.Tables.Updated++;
            }
        }

        if (options.PropagateDeletes)
        {
            foreach (var table in tables.Delete.Select(CatalogDiff.NameOf))
            {
                if (!await WriteAsync(options, result, "table", $"{database}.{table}", token => replica.DeleteTableAsync(database, table, token), cancellationToken).ConfigureAwait(false))
                {
                    result.Tables.Deleted++;
                }
            }
        }

        var failedTables = result.Failures.Where(f => f.Kind == "table").Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var table in sourceTables.Select(CatalogDiff.NameOf).Where(t => !failedTables.Contains($"{database}.{t}")))
        {
            await SyncPartitionsAsync(database, table, options, result, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<List<JsonObject>> ReplicaTablesAsync(string database, CancellationToken cancellationToken)
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

    private async Task SyncPartitionsAsync(string database, string table, CatalogSyncOptions options, CatalogSyncResult result, CancellationToken cancellationToken)
    {
        var partitions = CatalogDiff.Between(
            (await AllPartitionsAsync(source, database, table, cancellationToken).ConfigureAwait(false)).Select(p => CatalogInputs.Partition(p, options.Locations)),
            (await AllPartitionsAsync(replica, database, table, cancellationToken).ConfigureAwait(false)).Select(p => CatalogInputs.Partition(p, LocationRewriter.None)),
            CatalogInputs.PartitionKey);
        result.Partitions.Unchanged += partitions.Unchanged;
        result.Partitions.Created += await WriteBatchesAsync(partitions.Create, GlueClient.MaxBatchWrite, batch => replica.BatchCreatePartitionAsync(database, table, batch, cancellationToken)).ConfigureAwait(false);
        result.Partitions.Updated += await WriteBatchesAsync(partitions.Update, GlueClient.MaxBatchWrite, batch => replica.BatchUpdatePartitionAsync(database, table, batch, cancellationToken)).ConfigureAwait(false);
        if (options.PropagateDeletes)
        {
            result.Partitions.Deleted += await WriteBatchesAsync(partitions.Delete, GlueClient.MaxBatchDelete, batch =>
                replica.BatchDeletePartitionAsync(database, table, batch.Select(p => p["Values"]!.AsArray()).ToList(), cancellationToken)).ConfigureAwait(false);
        }

        // Batches of one kind, each entry that failed reported by its values; returns how many were written.
        async Task<int> WriteBatchesAsync(IReadOnlyList<JsonObject> inputs, int size, Func<IReadOnlyList<JsonObject>, Task<List<PartitionError>>> write)
        {
            if (options.DryRun)
            {
                return inputs.Count;
            }

            var written = 0;
            foreach (var batch in inputs.Chunk(size))
            {
                var errors = await write(batch).ConfigureAwait(false);
                foreach (var error in errors)
                {
                    result.Failures.Add(new SyncFailure("partition", $"{database}.{table}[{string.Join(", ", error.Values)}]", $"{error.ErrorCode}: {error.ErrorMessage}"));
                }

                written += batch.Length - errors.Count;
            }

            return written;
        }
    }

    /// <summary>Every partition of a table, page by page; none when the table does not exist there (yet).</summary>
    private static async Task<List<JsonObject>> AllPartitionsAsync(GlueClient glue, string database, string table, CancellationToken cancellationToken)
    {
        var all = new List<JsonObject>();
        string? token = null;
        do
        {
            List<JsonObject> page;
            try
            {
                (page, token) = await glue.GetPartitionsPageAsync(database, table, token, PartitionPageSize, cancellationToken).ConfigureAwait(false);
            }
            catch (EntityNotFoundException)
            {
                return all;
            }

            all.AddRange(page);
        }
        while (token is not null);

        return all;
    }

    /// <summary>One write, unless dry; a service error is reported against the entity by name. Returns true when it failed.</summary>
    private static async Task<bool> WriteAsync(CatalogSyncOptions options, CatalogSyncResult result, string kind, string name, Func<CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        if (options.DryRun)
        {
            return false;
        }

        try
        {
            await write(cancellationToken).ConfigureAwait(false);
            return false;
        }
        catch (AwsServiceException e)
        {
            result.Failures.Add(new SyncFailure(kind, name, $"{e.ErrorCode}: {e.Message}"));
            return true;
        }
    }
}
