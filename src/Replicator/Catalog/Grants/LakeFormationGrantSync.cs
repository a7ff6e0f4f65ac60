using System.Text.Json.Nodes;
using Replicator.Aws.Glue;
using Replicator.Aws.Json;
using Replicator.Aws.LakeFormation;

namespace Replicator.Catalog.Grants;

/// <summary>
/// Brings the replica's Lake Formation grants on a synced database, its tables (named, all of them,
/// and by column) in line with the source's, for the permissions in <see cref="GrantScope.Permissions"/>
/// and the principals <see cref="GrantScope.Copies"/>: grants the replica lacks are made, grants the
/// source no longer has are revoked (a reader removed in the source must not keep reading in the
/// replica), and grant options follow. A change that fails is reported by resource and principal, and
/// the rest go on.
/// </summary>
public sealed class LakeFormationGrantSync(LakeFormationClient source, LakeFormationClient replica, GrantScope scope)
{
    /// <param name="tables">The database's tables as the replica now has them from the source (created or unchanged).</param>
    public async Task SyncAsync(string database, IReadOnlyList<string> tables, bool dryRun, CatalogSyncResult result, CancellationToken cancellationToken)
    {
        // Lake Formation lists only the grants of permissions the caller holds, so a sync that lacks one
        // would see no grants of it and revoke every copy: it checks what it holds before it trusts a listing.
        if (await MissingPermissionsAsync(database, cancellationToken).ConfigureAwait(false) is { } missing)
        {
            result.Fail(new SyncFailure("grant", database, missing));
            return;
        }

        foreach (var resource in Resources(database, tables))
        {
            GrantDiff diff;
            try
            {
                diff = GrantDiff.Between(
                    await source.ListPermissionsAsync(resource, principal: null, cancellationToken).ConfigureAwait(false),
                    await ReplicaGrantsAsync(resource, cancellationToken).ConfigureAwait(false),
                    scope.Copies,
                    GrantScope.Permissions);
            }
            catch (AwsServiceException e)
            {
                result.Fail(new SyncFailure("grant", GrantChange.ResourceName(resource), $"listing grants: {e.ErrorCode}: {e.Message}"));
                continue;
            }

            result.Grants.Unchanged += diff.Unchanged;
            await ApplyAsync(diff.Grants, replica.GrantPermissionsAsync, dryRun, result, cancellationToken).ConfigureAwait(false);
            await ApplyAsync(diff.Revokes, replica.RevokePermissionsAsync, dryRun, result, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The database, all its tables, and each table (whose listing also holds its column grants).</summary>
    private static IEnumerable<JsonObject> Resources(string database, IReadOnlyList<string> tables) =>
        new[]
        {
            new JsonObject { ["Database"] = new JsonObject { ["Name"] = database } },
            new JsonObject { ["Table"] = new JsonObject { ["DatabaseName"] = database, ["TableWildcard"] = new JsonObject() } },
        }.Concat(tables.Select(table => new JsonObject { ["Table"] = new JsonObject { ["DatabaseName"] = database, ["Name"] = table } }));

    /// <summary>In a dry run a table still to be created has no grants in the replica yet.</summary>
    private async Task<List<PrincipalPermissions>> ReplicaGrantsAsync(JsonObject resource, CancellationToken cancellationToken)
    {
        try
        {
            return await replica.ListPermissionsAsync(resource, principal: null, cancellationToken).ConfigureAwait(false);
        }
        catch (EntityNotFoundException)
        {
            return [];
        }
    }

    private static async Task ApplyAsync(
        IReadOnlyList<GrantChange> changes,
        Func<string, JsonObject, IReadOnlyCollection<string>, IReadOnlyCollection<string>, CancellationToken, Task> call,
        bool dryRun,
        CatalogSyncResult result,
        CancellationToken cancellationToken)
    {
        foreach (var change in changes)
        {
            try
            {
                if (!dryRun)
                {
                    await call(change.Principal, change.Resource, change.Permissions, change.Grantable, cancellationToken).ConfigureAwait(false);
                }

                result.Grants.Add(change.Counts);
            }
            catch (AwsServiceException e)
            {
                result.Fail(new SyncFailure("grant", change.Describe(), $"{e.ErrorCode}: {e.Message}"));
            }
        }
    }

    /// <summary>
    /// Null when the sync's role holds every copied permission on the database and its tables in the
    /// source, and each with grant option in the replica; else what is missing, said so an operator can mend it.
    /// </summary>
    private async Task<string?> MissingPermissionsAsync(string database, CancellationToken cancellationToken)
    {
        var needs = new[]
        {
            (Name: database, Resource: new JsonObject { ["Database"] = new JsonObject { ["Name"] = database } }, Permissions: GrantScope.DatabasePermissions),
            (Name: database + ".*", Resource: new JsonObject { ["Table"] = new JsonObject { ["DatabaseName"] = database, ["TableWildcard"] = new JsonObject() } }, Permissions: GrantScope.Permissions),
        };
        var lacks = new List<string>();
        try
        {
            foreach (var (name, resource, permissions) in needs)
            {
                var inSource = (await source.ListPermissionsAsync(resource, scope.SyncRoleArn, cancellationToken).ConfigureAwait(false)).SelectMany(p => p.Permissions).ToHashSet();
                var inReplica = (await replica.ListPermissionsAsync(resource, scope.SyncRoleArn, cancellationToken).ConfigureAwait(false)).SelectMany(p => p.Grantable).ToHashSet();
                if (permissions.Where(p => !inSource.Contains(p)).ToList() is { Count: > 0 } lackedInSource)
                {
                    lacks.Add($"lacks {string.Join(",", lackedInSource)} on {name} in {scope.SourceRegion} (Lake Formation would hide those grants from it)");
                }

                if (permissions.Where(p => !inReplica.Contains(p)).ToList() is { Count: > 0 } lackedInReplica)
                {
                    lacks.Add($"lacks {string.Join(",", lackedInReplica)} with grant option on {name} in {scope.ReplicaRegion}");
                }
            }
        }
        catch (AwsServiceException e)
        {
            return $"grants not synced: listing the sync's own permissions on {database} failed: {e.ErrorCode}: {e.Message}";
        }

        return lacks.Count == 0
            ? null
            : $"grants not synced, the sync's role {string.Join("; ", lacks)}: list {database} in CatalogLakeFormationDatabases of both regions' stacks, with CatalogLakeFormationGrants=true.";
    }
}
