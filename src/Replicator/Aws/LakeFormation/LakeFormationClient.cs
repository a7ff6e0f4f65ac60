using System.Text;
using System.Text.Json.Nodes;
using Replicator.Aws.Json;

namespace Replicator.Aws.LakeFormation;

/// <summary>
/// The Lake Formation permission operations the catalog sync calls, over REST-JSON (AWSSDK.LakeFormation
/// is not available here). Resources stay JSON objects shaped as the API shapes them
/// (<c>{"Table":{"CatalogId":…,"DatabaseName":…,"Name":…}}</c>), so a resource kind this code has never
/// heard of is still carried from one region to the other unchanged.
/// </summary>
public sealed class LakeFormationClient(AwsServiceOptions options)
{
    /// <summary>ListPermissions' largest page (Lake Formation API reference, ListPermissions: MaxResults 1–1000).</summary>
    public const int MaxListResults = 1000;

    private readonly AwsJsonClient _client = new(options, signingName: "lakeformation", targetPrefix: null);

    /// <summary>
    /// The grants on one resource, every page. Lake Formation filters them by the caller's own
    /// permissions ("if you are granted an ALTER permission, you are able to see only the principal
    /// permissions for ALTER"), and with <paramref name="principal"/> answers that principal's effective
    /// permissions on the resource.
    /// </summary>
    public async Task<List<PrincipalPermissions>> ListPermissionsAsync(JsonObject resource, string? principal, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["Resource"] = resource.DeepClone() };
        if (principal is not null)
        {
            request["Principal"] = Principal(principal);
        }

        return (await ListAllAsync("ListPermissions", request, "PrincipalResourcePermissions", cancellationToken).ConfigureAwait(false))
            .Select(entry => new PrincipalPermissions(
                (string?)entry["Principal"]?["DataLakePrincipalIdentifier"] ?? "",
                entry["Resource"]?.AsObject() is { } named ? named.DeepClone().AsObject() : [],
                Strings(entry["Permissions"]),
                Strings(entry["PermissionsWithGrantOption"])))
            .ToList();
    }

    /// <param name="grantable">Those of <paramref name="permissions"/> the principal may grant on in turn.</param>
    public Task GrantPermissionsAsync(string principal, JsonObject resource, IReadOnlyCollection<string> permissions, IReadOnlyCollection<string> grantable, CancellationToken cancellationToken) =>
        SendAsync("GrantPermissions", Change(principal, resource, permissions, grantable), cancellationToken);

    /// <param name="grantable">Permissions whose grant option is revoked; with an empty <paramref name="permissions"/>, the option only.</param>
    public Task RevokePermissionsAsync(string principal, JsonObject resource, IReadOnlyCollection<string> permissions, IReadOnlyCollection<string> grantable, CancellationToken cancellationToken) =>
        SendAsync("RevokePermissions", Change(principal, resource, permissions, grantable), cancellationToken);

    /// <summary>
    /// A table's data cells filters, every page, as the API shapes them (TableCatalogId, DatabaseName,
    /// TableName, Name, RowFilter, ColumnNames or ColumnWildcard, VersionId). Lake Formation shows them only
    /// to a caller holding SELECT with grant option on the table ("Managing data filters").
    /// </summary>
    public Task<List<JsonObject>> ListDataCellsFilterAsync(string database, string table, CancellationToken cancellationToken) =>
        ListAllAsync("ListDataCellsFilter", new JsonObject { ["Table"] = new JsonObject { ["DatabaseName"] = database, ["Name"] = table } }, "DataCellsFilters", cancellationToken);

    public Task CreateDataCellsFilterAsync(JsonObject filter, CancellationToken cancellationToken) =>
        SendAsync("CreateDataCellsFilter", new JsonObject { ["TableData"] = filter.DeepClone() }, cancellationToken);

    /// <param name="filter">With the replica's current VersionId: Lake Formation refuses an update of a version that has moved on.</param>
    public Task UpdateDataCellsFilterAsync(JsonObject filter, CancellationToken cancellationToken) =>
        SendAsync("UpdateDataCellsFilter", new JsonObject { ["TableData"] = filter.DeepClone() }, cancellationToken);

    public Task DeleteDataCellsFilterAsync(string database, string table, string name, CancellationToken cancellationToken) =>
        SendAsync("DeleteDataCellsFilter", new JsonObject { ["DatabaseName"] = database, ["TableName"] = table, ["Name"] = name }, cancellationToken);

    private static JsonObject Change(string principal, JsonObject resource, IReadOnlyCollection<string> permissions, IReadOnlyCollection<string> grantable) => new()
    {
        ["Principal"] = Principal(principal),
        ["Resource"] = resource.DeepClone(),
        ["Permissions"] = new JsonArray(permissions.Select(p => (JsonNode)p).ToArray()),
        ["PermissionsWithGrantOption"] = new JsonArray(grantable.Select(p => (JsonNode)p).ToArray()),
    };

    /// <summary>Every entry of a listing, page after page of the largest size.</summary>
    private async Task<List<JsonObject>> ListAllAsync(string operation, JsonObject request, string listField, CancellationToken cancellationToken)
    {
        request["MaxResults"] = MaxListResults;
        var all = new List<JsonObject>();
        while (true)
        {
            var page = await SendAsync(operation, request, cancellationToken).ConfigureAwait(false);
            all.AddRange((page[listField]?.AsArray() ?? []).Select(entry => entry!.DeepClone().AsObject()));
            if ((string?)page["NextToken"] is not { Length: > 0 } token)
            {
                return all;
            }

            request["NextToken"] = token;
        }
    }

    private static JsonObject Principal(string identifier) => new() { ["DataLakePrincipalIdentifier"] = identifier };

    private static List<string> Strings(JsonNode? array) => (array?.AsArray() ?? []).Select(p => (string)p!).ToList();

    private async Task<JsonObject> SendAsync(string operation, JsonObject request, CancellationToken cancellationToken)
    {
        var response = await _client.SendRawAsync(operation, Encoding.UTF8.GetBytes(request.ToJsonString()), cancellationToken).ConfigureAwait(false);
        return response.Length == 0 ? new JsonObject() : JsonNode.Parse(response)?.AsObject() ?? new JsonObject();
    }
}

/// <summary>One entry of ListPermissions: what a principal holds on a resource, and which of it with grant option.</summary>
public sealed record PrincipalPermissions(string Principal, JsonObject Resource, IReadOnlyList<string> Permissions, IReadOnlyList<string> Grantable);
