using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Replicator.Aws;
using Replicator.Aws.Glue;
using Replicator.Aws.Json;
using Replicator.Catalog;

namespace Replicator.LocalCloud.StandIns;

/// <summary>
/// A local stand-in for one region's AWS Glue Data Catalog on 127.0.0.1 (JSON 1.1), for the operations
/// the catalog sync uses: Get/Create/UpdateDatabase(s), Get/Create/Update/DeleteTable(s), GetPartitions,
/// BatchGet/Create/Update/DeletePartition. Shapes, page sizes (100 databases or tables, 1,000 partitions),
/// batch limits (100 writes, 25 deletes), per-entry batch errors and error codes follow the Glue API
/// reference. <see cref="FailPartitionsWhere"/> and <see cref="FailTablesWhere"/> make chosen partitions and tables fail.
/// </summary>
public sealed class GlueStandIn : IAsyncDisposable
{
    private const string CatalogId = "000000000000";

    private readonly LoopbackHttpServer _server;
    private readonly object _lock = new();
    private readonly SortedDictionary<string, Database> _databases = new(StringComparer.Ordinal);

    public GlueStandIn() => _server = new LoopbackHttpServer(HandleAsync);

    public Uri Endpoint => _server.Endpoint;

    /// <summary>Partitions (database, table, values) this matches fail in batch writes with InternalServiceException.</summary>
    public Func<string, string, IReadOnlyList<string>, bool> FailPartitionsWhere { get; set; } = (_, _, _) => false;

    /// <summary>Tables (database, table) this matches fail to be created or updated with InternalServiceException.</summary>
    public Func<string, string, bool> FailTablesWhere { get; set; } = (_, _) => false;

    /// <summary>A client for this catalog as a region's Glue, without retries so tests see every answer.</summary>
    public GlueClient CreateClient(string region) =>
        new(new AwsServiceOptions(region, new BasicAWSCredentials("LOCAL", "LOCAL"), AwsEnvironment.HttpClient) { EndpointOverride = Endpoint, Retry = RetrySettings.None });

    /// <summary>Whether the database (and, named, the table) exists: what Lake Formation checks a grant's resource against.</summary>
    public bool Has(string database, string? table = null)
    {
        lock (_lock)
        {
            return _databases.TryGetValue(database, out var found) && (table is null || found.Tables.ContainsKey(table));
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpListenerContext context)
    {
        var target = context.Request.Headers["X-Amz-Target"] ?? "";
        (HttpStatusCode Status, JsonObject Body) answer;
        try
        {
            var request = (await JsonNode.ParseAsync(context.Request.InputStream).ConfigureAwait(false))?.AsObject() ?? [];
            lock (_lock)
            {
                answer = (HttpStatusCode.OK, Dispatch(target.Replace("AWSGlue.", "", StringComparison.Ordinal), request));
            }
        }
        catch (GlueError e)
        {
            answer = (HttpStatusCode.BadRequest, new JsonObject { ["__type"] = e.Code, ["Message"] = e.Message });
        }

        var bytes = Encoding.UTF8.GetBytes(answer.Body.ToJsonString());
        context.Response.StatusCode = (int)answer.Status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        context.Response.Close();
    }

    private JsonObject Dispatch(string operation, JsonObject request) => operation switch
    {
        "GetDatabases" => Page(_databases.Values.Select(d => d.Definition), request, 100, "DatabaseList"),
        "GetDatabase" => new JsonObject { ["Database"] = DatabaseNamed(Text(request, "Name")).Definition.DeepClone() },
        "CreateDatabase" => CreateDatabase(Input(request, "DatabaseInput")),
        "UpdateDatabase" => UpdateDatabase(Text(request, "Name"), Input(request, "DatabaseInput")),
        "GetTables" => Page(DatabaseNamed(Text(request, "DatabaseName")).Tables.Values.Select(t => t.Definition), request, 100, "TableList"),
        "GetTable" => new JsonObject { ["Table"] = TableNamed(Text(request, "DatabaseName"), Text(request, "Name")).Definition.DeepClone() },
        "CreateTable" => CreateTable(Text(request, "DatabaseName"), Input(request, "TableInput")),
        "UpdateTable" => UpdateTable(Text(request, "DatabaseName"), Input(request, "TableInput")),
        "DeleteTable" => DeleteTable(Text(request, "DatabaseName"), Text(request, "Name")),
        "GetPartitions" => GetPartitions(request),
        "BatchGetPartition" => BatchGetPartition(request),
        "BatchCreatePartition" => BatchCreatePartition(request),
        "BatchUpdatePartition" => BatchUpdatePartition(request),
        "BatchDeletePartition" => BatchDeletePartition(request),
        _ => throw new GlueError("UnknownOperationException", $"The local Glue stand-in does not serve {operation}."),
    };

    private JsonObject CreateDatabase(JsonObject input)
    {
        var name = Text(input, "Name");
        if (_databases.ContainsKey(name))
        {
            throw new GlueError("AlreadyExistsException", $"Database {name} already exists.");
        }

        _databases[name] = new Database(Stamped(input, new JsonObject { ["CatalogId"] = CatalogId, ["CreateTime"] = Now() }));
        return [];
    }

    private JsonObject UpdateDatabase(string name, JsonObject input)
    {
        var database = DatabaseNamed(name);
        database.Definition = Stamped(input, new JsonObject { ["CatalogId"] = CatalogId, ["CreateTime"] = database.Definition["CreateTime"]!.DeepClone() });
        return [];
    }

    private JsonObject CreateTable(string databaseName, JsonObject input)
    {
        var database = DatabaseNamed(databaseName);
        var name = Text(input, "Name");
        FailIfAsked(databaseName, name);
        if (database.Tables.ContainsKey(name))
        {
            throw new GlueError("AlreadyExistsException", $"Table {name} already exists.");
        }

        database.Tables[name] = new Table(TableDefinition(databaseName, input, Now(), version: 0));
        return [];
    }

    private JsonObject UpdateTable(string databaseName, JsonObject input)
    {
        var table = TableNamed(databaseName, Text(input, "Name"));
        FailIfAsked(databaseName, Text(input, "Name"));
        var version = int.Parse((string)table.Definition["VersionId"]!, CultureInfo.InvariantCulture) + 1;
        table.Definition = TableDefinition(databaseName, input, (double)table.Definition["CreateTime"]!, version);
        return [];
    }

    private void FailIfAsked(string database, string table)
    {
        if (FailTablesWhere(database, table))
        {
            throw new GlueError("InternalServiceException", $"Injected failure writing table {database}.{table}.");
        }
    }

    private JsonObject DeleteTable(string databaseName, string name)
    {
        if (!DatabaseNamed(databaseName).Tables.Remove(name))
        {
            throw new GlueError("EntityNotFoundException", $"Table {name} not found.");
        }

        return [];
    }

    private JsonObject GetPartitions(JsonObject request)
    {
        if (request["Expression"] is not null)
        {
            throw new GlueError("InvalidInputException", "The local Glue stand-in does not evaluate partition expressions.");
        }

        var table = TableNamed(Text(request, "DatabaseName"), Text(request, "TableName"));
        return Page(table.Partitions.Values, request, 1000, "Partitions");
    }

    private JsonObject BatchGetPartition(JsonObject request)
    {
        var (_, _, table) = BatchTable(request);
        var found = Entries(request, "PartitionsToGet", 1000)
            .Select(entry => table.Partitions.GetValueOrDefault(CatalogInputs.PartitionKey(entry)))
            .OfType<JsonObject>()
            .Select(p => (JsonNode)p.DeepClone())
            .ToArray();
        return new JsonObject { ["Partitions"] = new JsonArray(found), ["UnprocessedKeys"] = new JsonArray() };
    }

    private JsonObject BatchCreatePartition(JsonObject request)
    {
        var (databaseName, tableName, table) = BatchTable(request);
        var inputs = Entries(request, "PartitionInputList", 100);
        var errors = new JsonArray();
        var keys = table.Definition["PartitionKeys"]?.AsArray().Count ?? 0;
        foreach (var input in inputs)
        {
            var values = Values(input["Values"]);
            var key = CatalogInputs.PartitionKey(input);
            var error = values.Count != keys ? ("InvalidInputException", $"The number of partition values ({values.Count}) does not match the number of partition keys ({keys}).")
                : table.Partitions.ContainsKey(key) ? ("AlreadyExistsException", "Partition already exists.")
                : FailPartitionsWhere(databaseName, tableName, values) ? ("InternalServiceException", "Injected by the local stand-in.")
                : ((string, string)?)null;
            if (error is { } failed)
            {
                errors.Add(EntryError(values, failed.Item1, failed.Item2));
                continue;
            }

            table.Partitions[key] = Stamped(input, new JsonObject { ["DatabaseName"] = databaseName, ["TableName"] = tableName, ["CatalogId"] = CatalogId, ["CreationTime"] = Now() });
        }

        return new JsonObject { ["Errors"] = errors };
    }

    private JsonObject BatchUpdatePartition(JsonObject request)
    {
        var (databaseName, tableName, table) = BatchTable(request);
        var errors = new JsonArray();
        foreach (var entry in Entries(request, "Entries", 100))
        {
            var values = Values(entry["PartitionValueList"]);
            var key = KeyOf(values);
            if (!table.Partitions.TryGetValue(key, out var existing) || FailPartitionsWhere(databaseName, tableName, values))
            {
                errors.Add(EntryError(values, existing is null ? "EntityNotFoundException" : "InternalServiceException", existing is null ? "Partition not found." : "Injected by the local stand-in."));
                continue;
            }

            var input = entry["PartitionInput"]!.AsObject();
            table.Partitions.Remove(key);
            table.Partitions[CatalogInputs.PartitionKey(input)] = Stamped(input, new JsonObject
            {
                ["DatabaseName"] = databaseName,
                ["TableName"] = tableName,
                ["CatalogId"] = CatalogId,
                ["CreationTime"] = existing["CreationTime"]!.DeepClone(),
            });
        }

        return new JsonObject { ["Errors"] = errors };
    }

    private JsonObject BatchDeletePartition(JsonObject request)
    {
        var (_, _, table) = BatchTable(request);
        var errors = new JsonArray();
        foreach (var entry in Entries(request, "PartitionsToDelete", 25))
        {
            var values = Values(entry["Values"]);
            if (!table.Partitions.Remove(KeyOf(values)))
            {
                errors.Add(EntryError(values, "EntityNotFoundException", "Partition not found."));
            }
        }

        return new JsonObject { ["Errors"] = errors };
    }

    private (string Database, string TableName, Table Table) BatchTable(JsonObject request)
    {
        var database = Text(request, "DatabaseName");
        var table = Text(request, "TableName");
        return (database, table, TableNamed(database, table));
    }

    private Database DatabaseNamed(string name) =>
        _databases.TryGetValue(name, out var database) ? database : throw new GlueError("EntityNotFoundException", $"Database {name} not found.");

    private Table TableNamed(string database, string name) =>
        DatabaseNamed(database).Tables.TryGetValue(name, out var table) ? table : throw new GlueError("EntityNotFoundException", $"Table {name} not found.");

    private static JsonObject TableDefinition(string database, JsonObject input, double created, int version) => Stamped(input, new JsonObject
    {
        ["DatabaseName"] = database,
        ["CatalogId"] = CatalogId,
        ["CreateTime"] = created,
        ["UpdateTime"] = Now(),
        ["VersionId"] = version.ToString(CultureInfo.InvariantCulture),
        ["IsRegisteredWithLakeFormation"] = false,
    });

    /// <summary>A page of at most <paramref name="limit"/> (or the request's MaxResults), with a NextToken when more follow.</summary>
    private static JsonObject Page(IEnumerable<JsonObject> items, JsonObject request, int limit, string listField)
    {
        var size = Math.Min((int?)request["MaxResults"] ?? limit, limit);
        var start = (string?)request["NextToken"] is { } token ? int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)), CultureInfo.InvariantCulture) : 0;
        var all = items.ToList();
        var page = new JsonObject { [listField] = new JsonArray(all.Skip(start).Take(size).Select(i => (JsonNode)i.DeepClone()).ToArray()) };
        if (start + size < all.Count)
        {
            page["NextToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes((start + size).ToString(CultureInfo.InvariantCulture)));
        }

        return page;
    }

    private static List<JsonObject> Entries(JsonObject request, string field, int limit)
    {
        var entries = request[field]?.AsArray().Select(e => e!.AsObject()).ToList() ?? [];
        return entries.Count <= limit
            ? entries
            : throw new GlueError("ValidationException", $"1 validation error detected: Value at '{char.ToLowerInvariant(field[0])}{field[1..]}' failed to satisfy constraint: Member must have length less than or equal to {limit}");
    }

    private static JsonObject EntryError(IReadOnlyList<string> values, string code, string message) => new()
    {
        ["PartitionValues"] = ValuesArray(values),
        ["ErrorDetail"] = new JsonObject { ["ErrorCode"] = code, ["ErrorMessage"] = message },
    };

    private static JsonArray ValuesArray(IReadOnlyList<string> values) => new(values.Select(v => (JsonNode)v).ToArray());

    /// <summary>A partition's key in the stand-in: its values' JSON, as <see cref="CatalogInputs.PartitionKey"/> makes it.</summary>
    private static string KeyOf(IReadOnlyList<string> values) => ValuesArray(values).ToJsonString();

    private static List<string> Values(JsonNode? values) => (values?.AsArray() ?? []).Select(v => (string)v!).ToList();

    private static JsonObject Stamped(JsonObject input, JsonObject readOnly)
    {
        var definition = input.DeepClone().AsObject();
        foreach (var (name, value) in readOnly)
        {
            definition[name] = value?.DeepClone();
        }

        return definition;
    }

    private static JsonObject Input(JsonObject request, string field) =>
        request[field] as JsonObject ?? throw new GlueError("InvalidInputException", $"{field} is required.");

    private static string Text(JsonObject request, string field) =>
        (string?)request[field] ?? throw new GlueError("InvalidInputException", $"{field} is required.");

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private sealed class Database(JsonObject definition)
    {
        public JsonObject Definition { get; set; } = definition;

        public SortedDictionary<string, Table> Tables { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Table(JsonObject definition)
    {
        public JsonObject Definition { get; set; } = definition;

        // Keyed by the values' JSON; pages walk it in that stable order.
        public SortedDictionary<string, JsonObject> Partitions { get; } = new(StringComparer.Ordinal);
    }

    private sealed class GlueError(string code, string message) : Exception(message)
    {
        public string Code { get; } = code;
    }
}
