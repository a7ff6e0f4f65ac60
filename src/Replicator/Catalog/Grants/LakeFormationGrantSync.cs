using System.Text.Json.Nodes;
using Replicator.Aws.Glue;
using Replicator.Aws.Json;
using Replicator.Aws.LakeFormation;

namespace Replicator.Catalog.Grants;

/// <summary>
/// Brings the replica's Lake Formation grants on a synced database, its tables (named, all of them,
/// by column, and through data cells filters) in line with the source's, for the permissions in
/// <see cref="GrantScope.Permissions"/> and the principals <see cref="GrantScope.Copies"/>: grants the
/// replica lacks are made, grants the source no longer has are revoked (a reader removed in the source
/// must not keep reading in the replica), and grant options follow. Each table's data cells filters are
/// made, updated and deleted likewise before the grants through them. A change that fails is reported
/// by name, and the rest go on.
/// </summary>
public sealed class LakeFormationGrantSync(LakeFormationClient source, LakeFormationClient replica, GrantScope scope)
{
    /// <param name="tables">The database's tables as the replica now has them from the source (created or unchanged).</param>
    public async Task SyncAsync(string database, IReadOnlyList<string> tables, bool dryRun, CatalogSyncResult result, CancellationToken cancellationToken)
    {
        // Lake Formation lists only the grants of permissions the caller holds (and filters only to a caller
        // that may grant SELECT), so a sync that lacks one would see none and revoke every copy: it checks
        // what it holds before it trusts a listing.
        if (await MissingPermissionsAsync(database, cancellationToken).ConfigureAwait(false) is { } missing)
        {
            result.Fail(new SyncFailure("grant", database, missing));
            return;
        }

        await SyncGrantsAsync(LakeFormationResources.Database(database), dryRun, result, cancellationToken).ConfigureAwait(false);
        await SyncGrantsAsync(LakeFormationResources.AllTables(database), dryRun, result, cancellationToken).ConfigureAwait(false);
        foreach (var table in tables)
        {
            await SyncGrantsAsync(LakeFormationResources.Table(database, table), dryRun, result, cancellationToken).ConfigureAwait(false);
            foreach (var filter in await SyncFiltersAsync(database, table, dryRun, result, cancellationToken).ConfigureAwait(false))
            {
                await SyncGrantsAsync(LakeFormationResources.DataCellsFilter(database, table, filter), dryRun, result, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One resource's grants (a table's listing holds its column grants too).</summary>
    private async Task SyncGrantsAsync(JsonObject resource, bool dryRun, CatalogSyncResult result, CancellationToken cancellationToken)
    {
        GrantDiff diff;
        try
        {
            diff = GrantDiff.Between(
                await source.ListPermissionsAsync(resource, principal: null, cancellationToken).ConfigureAwait(false),
                await InReplicaAsync(() => replica.ListPermissionsAsync(resource, principal: null, cancellationToken)).ConfigureAwait(false),
                scope.Copies,
                GrantScope.Permissions);
        }
        catch (AwsServiceException e)
        {
            result.Fail(new SyncFailure("grant", GrantChange.ResourceName(resource), $"listing grants: {e.ErrorCode}: {e.Message}"));
            return;
        }

        result.Grants.Unchanged += diff.Unchanged;
        foreach (var (changes, call) in new[] { (diff.Grants, (Func<GrantChange, Task>)Grant), (diff.Revokes, Revoke) })
        {
            foreach (var change in changes)
            {
                if (await CatalogSync.WriteAsync(dryRun, result, "grant", change.Describe(), () => call(change)).ConfigureAwait(false))
                {
                    result.Grants.Add(change.Counts);
                }
            }
        }

        Task Grant(GrantChange c) => replica.GrantPermissionsAsync(c.Principal, c.Resource, c.Permissions, c.Grantable, cancellationToken);
        Task Revoke(GrantChange c) => replica.RevokePermissionsAsync(c.Principal, c.Resource, c.Permissions, c.Grantable, cancellationToken);
    }

    /// <summary>
    /// The table's data cells filters, compared by name and definition: the replica's made to match
    /// (a filter only the replica has is deleted, and its grants with it). Returns the source's filters
    /// that the replica now has (or, dry, would have), whose grants follow.
    /// </summary>
    private async Task<List<string>> SyncFiltersAsync(string database, string table, bool dryRun, CatalogSyncResult result, CancellationToken cancellationToken)
    {
        List<JsonObject> wanted, have;
        try
        {
            wanted = await source.ListDataCellsFilterAsync(database, table, cancellationToken).ConfigureAwait(false);
            have = await InReplicaAsync(() => replica.ListDataCellsFilterAsync(database, table, cancellationToken)).ConfigureAwait(false);
        }
        catch (AwsServiceException e)
        {
            result.Fail(new SyncFailure("filter", $"{database}.{table}", $"listing data cells filters: {e.ErrorCode}: {e.Message}"));
            return [];
        }

        var diff = CatalogDiff.Between(wanted.Select(Definition), have.Select(Definition), CatalogDiff.NameOf);
        result.Filters.Unchanged += diff.Unchanged;
        var synced = wanted.Select(CatalogDiff.NameOf).ToList();
        foreach (var filter in diff.Create)
        {
            if (await CatalogSync.WriteAsync(dryRun, result, "filter", Named(filter), () => replica.CreateDataCellsFilterAsync(filter, cancellationToken)).ConfigureAwait(false))
            {
                result.Filters.Created++;
            }
            else
            {
                synced.Remove(CatalogDiff.NameOf(filter));
            }
        }

        foreach (var filter in diff.Update)
        {
            // Named with the replica's version, which Lake Formation checks an update against.
            var update = filter.DeepClone().AsObject();
            update["VersionId"] = have.Single(h => CatalogDiff.NameOf(h) == CatalogDiff.NameOf(filter))["VersionId"]?.DeepClone();
            if (await CatalogSync.WriteAsync(dryRun, result, "filter", Named(filter), () => replica.UpdateDataCellsFilterAsync(update, cancellationToken)).ConfigureAwait(false))
            {
                result.Filters.Updated++;
            }
        }

        foreach (var filter in diff.Delete)
        {
            if (await CatalogSync.WriteAsync(dryRun, result, "filter", Named(filter), () => replica.DeleteDataCellsFilterAsync(database, table, CatalogDiff.NameOf(filter), cancellationToken)).ConfigureAwait(false))
            {
                result.Filters.Deleted++;
            }
        }

        return synced;

        string Named(JsonObject filter) => $"{database}.{table}[{CatalogDiff.NameOf(filter)}]";
    }

    /// <summary>A filter as it would be created: without the version Lake Formation stamps on it.</summary>
    private static JsonObject Definition(JsonObject filter)
    {
        var definition = filter.DeepClone().AsObject();
        definition.Remove("VersionId");
        return definition;
    }

    /// <summary>In a dry run a table or filter still to be created has nothing in the replica yet.</summary>
    private static async Task<List<T>> InReplicaAsync<T>(Func<Task<List<T>>> list)
    {
        try
        {
            return await list().ConfigureAwait(false);
        }
        catch (EntityNotFoundException)
        {
            return [];
        }
    }

    /// <summary>
    /// Null when the sync's role holds what it needs on the database and its tables: in the source the
    /// copied permissions, and SELECT with grant option (without which Lake Formation shows it no
    /// filter); in the replica each copied permission with grant option. Else what is missing, said so
    /// an operator can mend it.
    /// </summary>
    private async Task<string?> MissingPermissionsAsync(string database, CancellationToken cancellationToken)
    {
        var needs = new[]
        {
            (Name: database, Resource: LakeFormationResources.Database(database), Held: GrantScope.DatabasePermissions, Grantable: GrantScope.DatabasePermissions, SourceGrantable: new SortedSet<string>()),
            (Name: database + ".*", Resource: LakeFormationResources.AllTables(database), Held: GrantScope.Permissions, Grantable: GrantScope.Permissions, SourceGrantable: new SortedSet<string> { "SELECT" }),
        };
        var lacks = new List<string>();
        try
        {
            foreach (var (name, resource, held, grantable, sourceGrantable) in needs)
            {
                var inSource = await source.ListPermissionsAsync(resource, scope.SyncRoleArn, cancellationToken).ConfigureAwait(false);
                var inReplica = await replica.ListPermissionsAsync(resource, scope.SyncRoleArn, cancellationToken).ConfigureAwait(false);
                Lacking(held, inSource.SelectMany(p => p.Permissions), $"on {name} in {scope.SourceRegion} (Lake Formation would hide those grants from it)");
                Lacking(sourceGrantable, inSource.SelectMany(p => p.Grantable), $"with grant option on {name} in {scope.SourceRegion} (Lake Formation would hide data cells filters from it)");
                Lacking(grantable, inReplica.SelectMany(p => p.Grantable), $"with grant option on {name} in {scope.ReplicaRegion}");
            }
        }
        catch (AwsServiceException e)
        {
            return $"grants not synced: listing the sync's own permissions on {database} failed: {e.ErrorCode}: {e.Message}";
        }

        return lacks.Count == 0
            ? null
            : $"grants not synced, the sync's role {string.Join("; ", lacks)}: list {database} in CatalogLakeFormationDatabases of both regions' stacks, with CatalogLakeFormationGrants=true.";

        void Lacking(IReadOnlySet<string> needed, IEnumerable<string> holds, string where)
        {
            var held = holds.ToHashSet(StringComparer.Ordinal);
            if (needed.Where(p => !held.Contains(p)).ToList() is { Count: > 0 } lacked)
            {
                lacks.Add($"lacks {string.Join(",", lacked)} {where}");
            }
        }
    }
}
