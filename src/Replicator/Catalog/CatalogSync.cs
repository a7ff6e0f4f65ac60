using System.Text.Json.Nodes;
using Replicator.Aws.Glue;
using Replicator.Aws.Json;
using Replicator.Catalog.Grants;

namespace Replicator.Catalog;

/// <summary>
/// Brings the replica region's Glue Data Catalog in line with the source's: databases, tables by
/// definition, partitions by values and storage descriptor, S3 locations rewritten. It writes only the
/// difference, in Glue's batch sizes. A table or partition that fails is reported by name and the rest
/// go on; the caller fails the run at the end if anything failed. With <paramref name="grants"/>, each
/// database's Lake Formation grants follow its tables.
/// </summary>
public sealed class CatalogSync(GlueClient source, GlueClient replica, LakeFormationGrantSync? grants = null)
{
    /// <summary>GetPartitions' largest page, and BatchGetPartition's: a no-op sync reads two calls per thousand partitions.</summary>
    public const int PartitionPageSize = 1000;

    /// <summary>Runs to the end, however long it takes: for tests and the CLI.</summary>
    public async Task<CatalogSyncResult> RunAsync(CatalogSyncOptions options, CancellationToken cancellationToken) =>
        (await RunAsync(options, resume: null, shouldPause: () => false, cancellationToken).ConfigureAwait(false)).Result;

    /// <summary>
    /// Syncs from <paramref name="resume"/> (null: from the start, databases first) until done or until
    /// <paramref name="shouldPause"/> says so, which it asks before every page of partitions.
    /// </summary>
    public async Task<CatalogSyncStep> RunAsync(CatalogSyncOptions options, CatalogContinuation? resume, Func<bool> shouldPause, CancellationToken cancellationToken)
    {
        var result = new CatalogSyncResult();
        var sourceDatabases = (await source.GetDatabasesAsync(cancellationToken).ConfigureAwait(false))
            .Where(d => options.Databases is null || options.Databases.Contains(CatalogDiff.NameOf(d)))
            .OrderBy(CatalogDiff.NameOf, StringComparer.Ordinal)
            .ToList();
        if (resume is null)
        {
            await SyncDatabasesAsync(sourceDatabases, options, result, cancellationToken).ConfigureAwait(false);
        }

        foreach (var database in sourceDatabases.Select(CatalogDiff.NameOf))
        {
            if ((resume is not null && string.CompareOrdinal(database, resume.Database) < 0) || result.Failed("database", database))
            {
                continue;
            }

            var resumingHere = resume?.Database == database;
            var tables = (await source.GetTablesAsync(database, cancellationToken).ConfigureAwait(false)).OrderBy(CatalogDiff.NameOf, StringComparer.Ordinal).ToList();
            if (!resumingHere)
            {
                await SyncTablesAsync(database, tables, options, result, cancellationToken).ConfigureAwait(false);
                if (grants is not null)
                {
                    // Granted once the tables exist; a table that failed keeps its replica grants until it syncs.
                    var synced = tables.Select(CatalogDiff.NameOf).Where(t => !result.Failed("table", $"{database}.{t}")).ToList();
                    await grants.SyncAsync(database, synced, options.DryRun, result, cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (var table in tables.Select(CatalogDiff.NameOf))
            {
                if ((resumingHere && string.CompareOrdinal(table, resume!.Table) < 0) || result.Failed("table", $"{database}.{table}"))
                {
                    continue;
                }

                var start = resumingHere && table == resume!.Table ? resume : new CatalogContinuation(database, table, CatalogContinuation.Upserts, null);
                if (await SyncPartitionsAsync(start, options, result, shouldPause, cancellationToken).ConfigureAwait(false) is { } paused)
                {
                    return new CatalogSyncStep(result, paused);
                }
            }

            resume = null;
        }

        return new CatalogSyncStep(result, null);
    }

    private async Task SyncDatabasesAsync(List<JsonObject> sourceDatabases, CatalogSyncOptions options, CatalogSyncResult result, CancellationToken cancellationToken)
    {
        var databases = CatalogDiff.Between(
            sourceDatabases.Select(d => CatalogInputs.Database(d, options.Locations)),
            (await replica.GetDatabasesAsync(cancellationToken).ConfigureAwait(false)).Select(d => CatalogInputs.Database(d, LocationRewriter.None)),
            CatalogDiff.NameOf);
        result.Databases.Unchanged += databases.Unchanged;
        foreach (var database in databases.Create)
        {
            if (await WriteAsync(options, result, "database", CatalogDiff.NameOf(database), token => replica.CreateDatabaseAsync(database, token), cancellationToken).ConfigureAwait(false))
            {
                result.Databases.Created++;
            }
        }

        foreach (var database in databases.Update)
        {
            var name = CatalogDiff.NameOf(database);
            if (await WriteAsync(options, result, "database", name, token => replica.UpdateDatabaseAsync(name, database, token), cancellationToken).ConfigureAwait(false))
            {
                result.Databases.Updated++;
            }
        }
    }

    private async Task SyncTablesAsync(string database, List<JsonObject> sourceTables, CatalogSyncOptions options, CatalogSyncResult result, CancellationToken cancellationToken)
    {
        var tables = CatalogDiff.Between(
            sourceTables.Select(t => CatalogInputs.Table(t, options.Locations)),
            (await ReplicaTablesAsync(database, cancellationToken).ConfigureAwait(false)).Select(t => CatalogInputs.Table(t, LocationRewriter.None)),
            CatalogDiff.NameOf);
        result.Tables.Unchanged += tables.Unchanged;
        foreach (var table in tables.Create)
        {
            if (await WriteAsync(options, result, "table", $"{database}.{CatalogDiff.NameOf(table)}", token => replica.CreateTableAsync(database, table, token), cancellationToken).ConfigureAwait(false))
            {
                result.Tables.Created++;
            }
        }

        foreach (var table in tables.Update)
        {
            if (await WriteAsync(options, result, "table", $"{database}.{CatalogDiff.NameOf(table)}", token => replica.UpdateTableAsync(database, table, token), cancellationToken).ConfigureAwait(false))
            {
                result.Tables.Updated++;
            }
        }

        if (options.PropagateDeletes)
        {
            foreach (var table in tables.Delete.Select(CatalogDiff.NameOf))
            {
                if (await WriteAsync(options, result, "table", $"{database}.{table}", token => replica.DeleteTableAsync(database, table, token), cancellationToken).ConfigureAwait(false))
                {
                    result.Tables.Deleted++;
                }
            }
        }
    }

    /// <summary>In a dry run a database still to be created has no tables in the replica yet.</summary>
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

    /// <summary>
    /// Upserts: each page of the source's partitions is compared with the replica's same partitions
    /// (one BatchGetPartition), and only the difference written. Deletes (when enabled): the replica's
    /// partitions the source lacks, found page by page the other way round, then deleted, so deleting
    /// never moves the pages still to be read. Returns where to resume if asked to pause.
    /// </summary>
    private async Task<CatalogContinuation?> SyncPartitionsAsync(
        CatalogContinuation position, CatalogSyncOptions options, CatalogSyncResult result, Func<bool> shouldPause, CancellationToken cancellationToken)
    {
        var (database, table) = (position.Database, position.Table);
        var token = position.PartitionToken;
        if (position.Phase == CatalogContinuation.Upserts)
        {
            do
            {
                if (shouldPause())
                {
                    return position with { PartitionToken = token };
                }

                (var page, token) = await PageAsync(source, database, table, token, cancellationToken).ConfigureAwait(false);
                var existing = await LookUpAsync(replica, database, table, page, cancellationToken).ConfigureAwait(false);
                var diff = CatalogDiff.Between(
                    page.Select(p => CatalogInputs.Partition(p, options.Locations)),
                    existing.Select(p => CatalogInputs.Partition(p, LocationRewriter.None)),
                    CatalogInputs.PartitionKey);
                result.Partitions.Unchanged += diff.Unchanged;
                result.Partitions.Created += await WriteBatchesAsync(diff.Create, GlueClient.MaxBatchWrite, batch => replica.BatchCreatePartitionAsync(database, table, batch, cancellationToken)).ConfigureAwait(false);
                result.Partitions.Updated += await WriteBatchesAsync(diff.Update, GlueClient.MaxBatchWrite, batch => replica.BatchUpdatePartitionAsync(database, table, batch, cancellationToken)).ConfigureAwait(false);
            }
            while (token is not null);

            position = position with { Phase = CatalogContinuation.Deletes, PartitionToken = null };
        }

        if (!options.PropagateDeletes)
        {
            return null;
        }

        if (shouldPause())
        {
            return position;
        }

        var gone = new List<JsonObject>();
        token = null;
        do
        {
            (var page, token) = await PageAsync(replica, database, table, token, cancellationToken).ConfigureAwait(false);
            var present = (await LookUpAsync(source, database, table, page, cancellationToken).ConfigureAwait(false)).Select(CatalogInputs.PartitionKey).ToHashSet(StringComparer.Ordinal);
            gone.AddRange(page.Where(p => !present.Contains(CatalogInputs.PartitionKey(p))));
        }
        while (token is not null);

        result.Partitions.Deleted += await WriteBatchesAsync(gone, GlueClient.MaxBatchDelete, batch =>
            replica.BatchDeletePartitionAsync(database, table, batch.Select(p => p["Values"]!.AsArray()).ToList(), cancellationToken)).ConfigureAwait(false);
        return null;

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
                    result.Fail(new SyncFailure("partition", $"{database}.{table}[{string.Join(", ", error.Values)}]", $"{error.ErrorCode}: {error.ErrorMessage}"));
                }

                written += batch.Length - errors.Count;
            }

            return written;
        }
    }

    /// <summary>One page of a table's partitions; none when the table does not exist there (a dry run's new table).</summary>
    private static async Task<(List<JsonObject> Page, string? Next)> PageAsync(GlueClient glue, string database, string table, string? token, CancellationToken cancellationToken)
    {
        try
        {
            return await glue.GetPartitionsPageAsync(database, table, token, PartitionPageSize, cancellationToken).ConfigureAwait(false);
        }
        catch (EntityNotFoundException)
        {
            return ([], null);
        }
    }

    /// <summary>The same partitions (by values) as they are in <paramref name="glue"/>; the ones it lacks are left out.</summary>
    private static async Task<List<JsonObject>> LookUpAsync(GlueClient glue, string database, string table, List<JsonObject> partitions, CancellationToken cancellationToken)
    {
        if (partitions.Count == 0)
        {
            return [];
        }

        try
        {
            return await glue.BatchGetPartitionAsync(database, table, partitions.Select(p => p["Values"]!.AsArray()).ToList(), cancellationToken).ConfigureAwait(false);
        }
        catch (EntityNotFoundException)
        {
            return [];
        }
    }

    private static Task<bool> WriteAsync(CatalogSyncOptions options, CatalogSyncResult result, string kind, string name, Func<CancellationToken, Task> write, CancellationToken cancellationToken) =>
        WriteAsync(options.DryRun, result, kind, name, () => write(cancellationToken));

    /// <summary>One write, unless dry; a service error is reported against the entity by name. Returns true when it was written (or would be).</summary>
    internal static async Task<bool> WriteAsync(bool dryRun, CatalogSyncResult result, string kind, string name, Func<Task> write)
    {
        if (dryRun)
        {
            return true;
        }

        try
        {
            await write().ConfigureAwait(false);
            return true;
        }
        catch (AwsServiceException e)
        {
            result.Fail(new SyncFailure(kind, name, $"{e.ErrorCode}: {e.Message}"));
            return false;
        }
    }
}
