using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.LakeFormation;
using Replicator.Catalog.Grants;

namespace Replicator.LocalCloud.StandIns;

/// <summary>
/// A local stand-in for one region's Lake Formation permissions on 127.0.0.1 (REST-JSON: POST
/// /ListPermissions, /GrantPermissions, /RevokePermissions, and /List, /Create, /Update and
/// /DeleteDataCellsFilter) on databases, tables, all tables of a database, tables with columns and
/// data cells filters, as strict as the service where the catalog sync depends on it (Lake Formation
/// API reference and developer guide):
/// <list type="bullet">
/// <item>a caller is the principal of the access key it signs with (<see cref="Callers"/>); another key is refused;</item>
/// <item>ListPermissions shows a caller only the permissions it holds on the resource ("filtered by the permissions of the caller"); with a principal, that principal's effective
/// permissions, those on all the database's tables included;</item>
/// <item>granting or revoking needs the caller to hold each permission with grant option on the resource or on all the database's tables (AccessDeniedException);</item>
/// <item>the resource must exist in the region's catalog (EntityNotFoundException); a permission must apply to
/// its kind of resource, and the grant options be among the permissions granted (InvalidInputException);</item>
/// <item>revoking what the principal does not hold revokes nothing and says so (InvalidInputException);</item>
/// <item>data cells filters are shown to, and made by, only a caller with SELECT's grant option on the table
/// ("You require SELECT permission with the grant option to create or view a data filter"): another caller
/// lists none; a filter's name is unique per table; an update naming an old version is refused; a deleted
/// filter's grants go with it. Holding a permission with grant option on the filter's table counts as
/// holding it on the filter.</item>
/// </list>
/// </summary>
public sealed partial class LakeFormationStandIn : IAsyncDisposable
{
    private const string CatalogId = "000000000000";

    private static readonly Dictionary<string, string[]> PermissionsByKind = new()
    {
        ["Database"] = ["ALL", "ALTER", "CREATE_TABLE", "DESCRIBE", "DROP"],
        ["Table"] = ["ALL", "ALTER", "DELETE", "DESCRIBE", "DROP", "INSERT", "SELECT"],
        ["TableWithColumns"] = ["SELECT"],
        ["DataCellsFilter"] = ["DESCRIBE", "DROP", "SELECT"],
    };

    private readonly LoopbackHttpServer _server;
    private readonly GlueStandIn _catalog;
    private readonly object _lock = new();
    private readonly Dictionary<(string Principal, string Resource), GrantEntry> _grants = [];
    private readonly SortedDictionary<(string Database, string Table, string Name), JsonObject> _filters = [];

    /// <param name="catalog">The region's Glue catalog, which a grant's resource must exist in.</param>
    public LakeFormationStandIn(GlueStandIn catalog)
    {
        _catalog = catalog;
        _server = new LoopbackHttpServer(HandleAsync);
    }

    public Uri Endpoint => _server.Endpoint;

    /// <summary>Access key id → the principal (role ARN) whose requests it signs.</summary>
    public Dictionary<string, string> Callers { get; } = [];

    /// <summary>A client signing as <paramref name="accessKey"/>, without retries so tests see every answer.</summary>
    public LakeFormationClient CreateClient(string region, string accessKey) =>
        new(new AwsServiceOptions(region, new BasicAWSCredentials(accessKey, "LOCAL"), AwsEnvironment.HttpClient) { EndpointOverride = Endpoint, Retry = RetrySettings.None });

    /// <summary>Grants as an administrator would, to set a test up.</summary>
    public void Grant(string principal, JsonObject resource, IEnumerable<string> permissions, IEnumerable<string>? grantable = null)
    {
        lock (_lock)
        {
            GrantLocked(principal, Normalized(resource), permissions.ToList(), (grantable ?? []).ToList());
        }
    }

    /// <summary>Revokes as an administrator would (the grant options of those permissions with them).</summary>
    public void Revoke(string principal, JsonObject resource, IEnumerable<string> permissions)
    {
        lock (_lock)
        {
            var revoked = permissions.ToList();
            RevokeLocked(principal, Normalized(resource), revoked, revoked);
        }
    }

    /// <summary>Every grant (or those <paramref name="where"/> picks by principal and permission), as <c>resource principal PERMISSION[+grant]</c> lines, sorted: for comparing regions.</summary>
    public IReadOnlyList<string> Snapshot(Func<string, string, bool>? where = null)
    {
        lock (_lock)
        {
            return _grants.Values
                .SelectMany(g => g.Permissions.Where(p => where?.Invoke(g.Principal, p) ?? true).Select(p => $"{GrantChange.ResourceName(g.Resource)} {g.Principal} {p}{(g.Grantable.Contains(p) ? "+grant" : "")}"))
                .Order(StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>Creates a data cells filter as an administrator would, to set a test up.</summary>
    public void CreateFilter(JsonObject filter)
    {
        lock (_lock)
        {
            CreateFilterLocked(filter);
        }
    }

    /// <summary>Every data cells filter's definition (no version), keyed <c>db.table[name]</c>: for comparing regions.</summary>
    public IReadOnlyDictionary<string, string> Filters()
    {
        lock (_lock)
        {
            return _filters.ToDictionary(f => $"{f.Key.Database}.{f.Key.Table}[{f.Key.Name}]", f => GrantDiff.KeyOf(WithoutVersion(f.Value)));
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpListenerContext context)
    {
        (HttpStatusCode Status, JsonObject Body, string? Error) answer;
        try
        {
            var caller = Caller(context.Request.Headers["Authorization"]);
            var request = (await JsonNode.ParseAsync(context.Request.InputStream).ConfigureAwait(false))?.AsObject() ?? [];
            lock (_lock)
            {
                answer = (HttpStatusCode.OK, Dispatch(context.Request.Url!.AbsolutePath.TrimStart('/'), caller, request), null);
            }
        }
        catch (LakeFormationError e)
        {
            answer = (e.Status, new JsonObject { ["Message"] = e.Message }, e.Code);
        }

        var bytes = Encoding.UTF8.GetBytes(answer.Body.ToJsonString());
        context.Response.StatusCode = (int)answer.Status;
        context.Response.ContentType = "application/json";
        if (answer.Error is { } code)
        {
            context.Response.AddHeader("x-amzn-ErrorType", code + ":http://internal.amazon.com/coral/com.amazonaws.lakeformation/");
        }

        await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        context.Response.Close();
    }

    private string Caller(string? authorization)
    {
        var key = authorization is null ? null : CredentialKey().Match(authorization) is { Success: true } m ? m.Groups[1].Value : null;
        return key is not null && Callers.TryGetValue(key, out var principal)
            ? principal
            : throw new LakeFormationError("UnrecognizedClientException", "The security token included in the request is invalid.", HttpStatusCode.Forbidden);
    }

    private JsonObject Dispatch(string operation, string caller, JsonObject request) => operation switch
    {
        "ListPermissions" => ListPermissions(caller, request),
        "GrantPermissions" => Change(caller, request, grant: true),
        "RevokePermissions" => Change(caller, request, grant: false),
        "ListDataCellsFilter" => ListDataCellsFilter(caller, request),
        "CreateDataCellsFilter" => WithFilterPermission(caller, Filter(request), CreateFilterLocked),
        "UpdateDataCellsFilter" => WithFilterPermission(caller, Filter(request), UpdateFilterLocked),
        "DeleteDataCellsFilter" => WithFilterPermission(caller, request, f => DeleteFilterLocked(FilterKey(f))),
        _ => throw Invalid($"The local Lake Formation stand-in does not serve {operation}."),
    };

    private JsonObject ListPermissions(string caller, JsonObject request)
    {
        var resource = Normalized(request["Resource"] as JsonObject ?? throw Invalid("Resource is required."));
        MustExist(resource);
        var principal = (string?)request["Principal"]?["DataLakePrincipalIdentifier"];
        var listed = principal is not null
            ? Covering(resource).SelectMany(r => _grants.TryGetValue((principal, GrantDiff.KeyOf(r)), out var g) ? [g] : Enumerable.Empty<GrantEntry>())
            : _grants.Values.Where(g => Lists(resource, g.Resource));
        var visible = principal == caller ? null : Held(caller, resource, grantable: false);
        var entries = listed
            .Select(g => (g, Permissions: g.Permissions.Where(p => visible?.Contains(p) ?? true).ToList()))
            .Where(e => e.Permissions.Count > 0)
            .Select(e => (JsonNode)new JsonObject
            {
                ["Principal"] = new JsonObject { ["DataLakePrincipalIdentifier"] = e.g.Principal },
                ["Resource"] = e.g.Resource.DeepClone(),
                ["Permissions"] = Strings(e.Permissions),
                ["PermissionsWithGrantOption"] = Strings(e.g.Grantable.Where(e.Permissions.Contains)),
            })
            .ToList();
        return Page(entries, request, "PrincipalResourcePermissions");
    }

    /// <summary>One page of a listing, MaxResults long (100 unless asked), continued by NextToken.</summary>
    private static JsonObject Page(List<JsonNode> items, JsonObject request, string field)
    {
        var size = (int?)request["MaxResults"] ?? 100;
        var start = (string?)request["NextToken"] is { } token ? int.Parse(token, CultureInfo.InvariantCulture) : 0;
        var page = new JsonObject { [field] = new JsonArray(items.Skip(start).Take(size).Select(e => e.DeepClone()).ToArray()) };
        if (start + size < items.Count)
        {
            page["NextToken"] = (start + size).ToString(CultureInfo.InvariantCulture);
        }

        return page;
    }

    private JsonObject Change(string caller, JsonObject request, bool grant)
    {
        var principal = (string?)request["Principal"]?["DataLakePrincipalIdentifier"] ?? throw Invalid("Principal is required.");
        var resource = Normalized(request["Resource"] as JsonObject ?? throw Invalid("Resource is required."));
        var permissions = Strings(request["Permissions"]);
        var grantable = Strings(request["PermissionsWithGrantOption"]);
        var kind = Kind(resource);
        if (permissions.Concat(grantable).FirstOrDefault(p => !PermissionsByKind[kind].Contains(p)) is { } wrong)
        {
            throw Invalid($"Permission {wrong} does not apply to a {kind} resource.");
        }

        MustExist(resource);
        var mayGrant = Held(caller, resource, grantable: true);
        if (permissions.Concat(grantable).FirstOrDefault(p => !mayGrant.Contains(p)) is { } lacked)
        {
            throw new LakeFormationError("AccessDeniedException", $"Insufficient Lake Formation permission(s): {caller} cannot grant or revoke {lacked} on {GrantChange.ResourceName(resource)}.", HttpStatusCode.BadRequest);
        }

        if (grant)
        {
            if (grantable.FirstOrDefault(p => !permissions.Contains(p)) is { } stray)
            {
                throw Invalid($"PermissionsWithGrantOption {stray} is not among the Permissions granted.");
            }

            GrantLocked(principal, resource, permissions, grantable);
            return [];
        }

        if (!_grants.TryGetValue((principal, GrantDiff.KeyOf(resource)), out var held) || permissions.Concat(grantable).Any(p => !held.Permissions.Contains(p)))
        {
            throw Invalid("No permissions revoked.");
        }

        RevokeLocked(principal, resource, permissions, grantable);
        return [];
    }

    private void GrantLocked(string principal, JsonObject resource, List<string> permissions, List<string> grantable)
    {
        var key = (principal, GrantDiff.KeyOf(resource));
        if (!_grants.TryGetValue(key, out var held))
        {
            held = new GrantEntry(principal, resource);
            _grants[key] = held;
        }

        held.Permissions.UnionWith(permissions);
        held.Grantable.UnionWith(grantable);
    }

    /// <summary>Takes the permissions away, and the grant options of <paramref name="grantable"/> (alone when not among the permissions).</summary>
    private void RevokeLocked(string principal, JsonObject resource, List<string> permissions, List<string> grantable)
    {
        var key = (principal, GrantDiff.KeyOf(resource));
        if (!_grants.TryGetValue(key, out var held))
        {
            return;
        }

        held.Permissions.ExceptWith(permissions);
        held.Grantable.ExceptWith(permissions.Concat(grantable));
        if (held.Permissions.Count == 0)
        {
            _grants.Remove(key);
        }
    }

    /// <summary>What <paramref name="principal"/> holds (or may grant) on the resource, directly or on all the database's tables.</summary>
    private HashSet<string> Held(string principal, JsonObject resource, bool grantable) =>
        Covering(resource)
            .SelectMany(r => _grants.TryGetValue((principal, GrantDiff.KeyOf(r)), out var g) ? (grantable ? g.Grantable : g.Permissions) : [])
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The resource; for a table (or its columns) all tables of its database; for a filter its table and all tables.</summary>
    private static IEnumerable<JsonObject> Covering(JsonObject resource)
    {
        yield return resource;
        if (resource["DataCellsFilter"] is JsonObject filter)
        {
            yield return Normalized(LakeFormationResources.Table((string?)filter["DatabaseName"] ?? "", (string?)filter["TableName"] ?? ""));
        }

        if (resource["Table"]?["Name"] is not null || resource["TableWithColumns"] is not null || resource["DataCellsFilter"] is not null)
        {
            yield return Normalized(LakeFormationResources.AllTables((string?)Body(resource)["DatabaseName"] ?? ""));
        }
    }

    private JsonObject ListDataCellsFilter(string caller, JsonObject request)
    {
        var table = request["Table"] as JsonObject ?? throw Invalid("Table is required.");
        var (database, name) = (Text(table, "DatabaseName"), Text(table, "Name"));
        var filters = MayManageFilters(caller, database, name) ? _filters.Where(f => f.Key.Database == database && f.Key.Table == name).Select(f => (JsonNode)f.Value).ToList() : [];
        return Page(filters, request, "DataCellsFilters");
    }

    /// <summary>Whether the caller holds SELECT's grant option on the (existing) table: what seeing and writing its filters takes.</summary>
    private bool MayManageFilters(string caller, string database, string table)
    {
        var resource = Normalized(LakeFormationResources.Table(database, table));
        MustExist(resource);
        return Held(caller, resource, grantable: true).Contains("SELECT");
    }

    /// <summary>Runs a filter write for a caller with SELECT's grant option on the filter's table.</summary>
    private JsonObject WithFilterPermission(string caller, JsonObject filter, Action<JsonObject> write)
    {
        var (database, table, _) = FilterKey(filter);
        if (!MayManageFilters(caller, database, table))
        {
            throw new LakeFormationError("AccessDeniedException", $"Insufficient Lake Formation permission(s): {caller} needs SELECT with grant option on {database}.{table} to manage its data cells filters.", HttpStatusCode.BadRequest);
        }

        write(filter);
        return [];
    }

    private static (string Database, string Table, string Name) FilterKey(JsonObject filter) =>
        (Text(filter, "DatabaseName"), Text(filter, "TableName"), Text(filter, "Name"));

    private void CreateFilterLocked(JsonObject filter)
    {
        var key = FilterKey(filter);
        if (filter["RowFilter"] is not JsonObject)
        {
            throw Invalid("RowFilter is required: a FilterExpression or AllRowsWildcard.");
        }

        if (_filters.ContainsKey(key))
        {
            throw new LakeFormationError("AlreadyExistsException", $"Data cells filter {key.Name} already exists on {key.Database}.{key.Table}.", HttpStatusCode.BadRequest);
        }

        _filters[key] = Versioned(filter);
    }

    private void UpdateFilterLocked(JsonObject filter)
    {
        var key = FilterKey(filter);
        if (!_filters.TryGetValue(key, out var current))
        {
            throw new LakeFormationError("EntityNotFoundException", $"Data cells filter {key.Name} does not exist on {key.Database}.{key.Table}.", HttpStatusCode.BadRequest);
        }

        if ((string?)filter["VersionId"] is { } version && version != (string?)current["VersionId"])
        {
            throw new LakeFormationError("ConcurrentModificationException", $"Data cells filter {key.Name} is at version {(string?)current["VersionId"]}, not {version}.", HttpStatusCode.BadRequest);
        }

        _filters[key] = Versioned(filter);
    }

    private void DeleteFilterLocked((string Database, string Table, string Name) key)
    {
        var (database, table, name) = key;
        if (!_filters.Remove(key))
        {
            throw new LakeFormationError("EntityNotFoundException", $"Data cells filter {name} does not exist on {database}.{table}.", HttpStatusCode.BadRequest);
        }

        var resource = GrantDiff.KeyOf(Normalized(LakeFormationResources.DataCellsFilter(database, table, name)));
        foreach (var grant in _grants.Keys.Where(k => k.Resource == resource).ToList())
        {
            _grants.Remove(grant);
        }
    }

    private static JsonObject Versioned(JsonObject filter)
    {
        var stored = WithoutVersion(filter);
        stored["TableCatalogId"] ??= CatalogId;
        stored["VersionId"] = Guid.NewGuid().ToString();
        return stored;
    }

    private static JsonObject WithoutVersion(JsonObject filter)
    {
        var copy = filter.DeepClone().AsObject();
        copy.Remove("VersionId");
        return copy;
    }

    private static JsonObject Filter(JsonObject request) => request["TableData"] as JsonObject ?? throw Invalid("TableData is required.");

    private static string Text(JsonObject body, string field) => (string?)body[field] ?? throw Invalid($"{field} is required.");

    /// <summary>Whether ListPermissions on <paramref name="asked"/> lists a grant on <paramref name="granted"/>: a table lists its column grants too.</summary>
    private static bool Lists(JsonObject asked, JsonObject granted) =>
        GrantDiff.KeyOf(asked) == GrantDiff.KeyOf(granted)
        || (asked["Table"]?["Name"] is { } table && granted["TableWithColumns"] is JsonObject columns
            && (string?)columns["DatabaseName"] == (string?)asked["Table"]!["DatabaseName"] && (string?)columns["Name"] == (string?)table);

    private void MustExist(JsonObject resource)
    {
        var body = Body(resource);
        if (resource["DataCellsFilter"] is not null)
        {
            if (!_filters.ContainsKey(((string?)body["DatabaseName"] ?? "", (string?)body["TableName"] ?? "", (string?)body["Name"] ?? "")))
            {
                throw new LakeFormationError("EntityNotFoundException", $"{GrantChange.ResourceName(resource)} does not exist.", HttpStatusCode.BadRequest);
            }

            return;
        }

        var database = (string?)body[Kind(resource) == "Database" ? "Name" : "DatabaseName"] ?? "";
        var table = Kind(resource) == "Database" || body["TableWildcard"] is not null ? null : (string?)body["Name"];
        if (!_catalog.Has(database, table))
        {
            throw new LakeFormationError("EntityNotFoundException", $"{GrantChange.ResourceName(resource)} does not exist in this region's catalog.", HttpStatusCode.BadRequest);
        }
    }

    /// <summary>The resource as Lake Formation keeps it: with the catalog id it defaults to.</summary>
    private static JsonObject Normalized(JsonObject resource)
    {
        var copy = resource.DeepClone().AsObject();
        Body(copy)[copy["DataCellsFilter"] is null ? "CatalogId" : "TableCatalogId"] ??= CatalogId;
        return copy;
    }

    private static JsonObject Body(JsonObject resource) => (JsonObject)resource[Kind(resource)]!;

    private static string Kind(JsonObject resource) =>
        resource.Count == 1 && PermissionsByKind.ContainsKey(resource.First().Key) && resource.First().Value is JsonObject
            ? resource.First().Key
            : throw Invalid($"The local stand-in serves Database, Table, TableWithColumns and DataCellsFilter resources, one per request: {resource.ToJsonString()}.");

    private static List<string> Strings(JsonNode? array) => (array?.AsArray() ?? []).Select(p => (string)p!).ToList();

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());

    private static LakeFormationError Invalid(string message) => new("InvalidInputException", message, HttpStatusCode.BadRequest);

    [GeneratedRegex(@"Credential=([^/,\s]+)/")]
    private static partial Regex CredentialKey();

    private sealed class GrantEntry(string principal, JsonObject resource)
    {
        public string Principal { get; } = principal;

        public JsonObject Resource { get; } = resource;

        public SortedSet<string> Permissions { get; } = new(StringComparer.Ordinal);

        public SortedSet<string> Grantable { get; } = new(StringComparer.Ordinal);
    }

    private sealed class LakeFormationError(string code, string message, HttpStatusCode status) : Exception(message)
    {
        public string Code { get; } = code;

        public HttpStatusCode Status { get; } = status;
    }
}
