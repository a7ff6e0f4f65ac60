using System.Text;
using System.Text.Json.Nodes;
using Replicator.Aws.Json;

namespace Replicator.Aws.Glue;

/// <summary>
/// The Glue Data Catalog operations the catalog sync calls, over JSON 1.1 (AWSSDK.Glue is not available
/// here). Databases, tables and partitions stay JSON objects, so every field the service returns is
/// carried to the replica, including ones this code has never heard of; only the read-only ones are
/// dropped when an input is built (<see cref="CatalogInputs"/>). List operations follow NextToken.
/// </summary>
public sealed class GlueClient(AwsServiceOptions options)
{
    /// <summary>The most entries BatchCreatePartition and BatchUpdatePartition take per call.</summary>
    public const int MaxBatchWrite = 100;

    /// <summary>The most partitions BatchGetPartition looks up per call.</summary>
    public const int MaxBatchGet = 1000;

    /// <summary>The most entries BatchDeletePartition takes per call.</summary>
    public const int MaxBatchDelete = 25;

    private readonly AwsJsonClient _client = new(options, signingName: "glue", targetPrefix: "AWSGlue");

    /// <summary>Read and write calls made, by kind: what the benchmark counts.</summary>
    public GlueCallCounts Calls { get; } = new();

    public Task<List<JsonObject>> GetDatabasesAsync(CancellationToken cancellationToken) =>
        ListAllAsync("GetDatabases", new JsonObject(), "DatabaseList", cancellationToken);

    public async Task<JsonObject?> GetDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await ReadAsync("GetDatabase", new JsonObject { ["Name"] = name }, cancellationToken).ConfigureAwait(false))["Database"]?.AsObject();
        }
        catch (EntityNotFoundException)
        {
            return null;
        }
    }

    public Task CreateDatabaseAsync(JsonObject databaseInput, CancellationToken cancellationToken) =>
        WriteAsync("CreateDatabase", new JsonObject { ["DatabaseInput"] = databaseInput }, cancellationToken);

    public Task UpdateDatabaseAsync(string name, JsonObject databaseInput, CancellationToken cancellationToken) =>
        WriteAsync("UpdateDatabase", new JsonObject { ["Name"] = name, ["DatabaseInput"] = databaseInput }, cancellationToken);

    public Task<List<JsonObject>> GetTablesAsync(string database, CancellationToken cancellationToken) =>
        ListAllAsync("GetTables", new JsonObject { ["DatabaseName"] = database }, "TableList", cancellationToken);

    public async Task<JsonObject?> GetTableAsync(string database, string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await ReadAsync("GetTable", new JsonObject { ["DatabaseName"] = database, ["Name"] = name }, cancellationToken).ConfigureAwait(false))["Table"]?.AsObject();
        }
        catch (EntityNotFoundException)
        {
            return null;
        }
    }

    public Task CreateTableAsync(string database, JsonObject tableInput, CancellationToken cancellationToken) =>
        WriteAsync("CreateTable", new JsonObject { ["DatabaseName"] = database, ["TableInput"] = tableInput }, cancellationToken);

    public Task UpdateTableAsync(string database, JsonObject tableInput, CancellationToken cancellationToken) =>
        WriteAsync("UpdateTable", new JsonObject { ["DatabaseName"] = database, ["TableInput"] = tableInput }, cancellationToken);

    public Task DeleteTableAsync(string database, string name, CancellationToken cancellationToken) =>
        WriteAsync("DeleteTable", new JsonObject { ["DatabaseName"] = database, ["Name"] = name }, cancellationToken);

    /// <summary>One page of a table's partitions; pass the returned token back for the next (null: no more).</summary>
    public async Task<(List<JsonObject> Partitions, string? NextToken)> GetPartitionsPageAsync(
        string database, string table, string? nextToken, int maxResults, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["DatabaseName"] = database, ["TableName"] = table, ["MaxResults"] = maxResults };
        if (nextToken is not null)
        {
            request["NextToken"] = nextToken;
        }

        var page = await ReadAsync("GetPartitions", request, cancellationToken).ConfigureAwait(false);
        return (Objects(page["Partitions"]), (string?)page["NextToken"]);
    }

    /// <summary>Every partition of a table, page after page of <paramref name="pageSize"/>.</summary>
    public async Task<List<JsonObject>> GetAllPartitionsAsync(string database, string table, int pageSize, CancellationToken cancellationToken)
    {
        var all = new List<JsonObject>();
        string? token = null;
        do
        {
            (var page, token) = await GetPartitionsPageAsync(database, table, token, pageSize, cancellationToken).ConfigureAwait(false);
            all.AddRange(page);
        }
        while (token is not null);

        return all;
    }

    /// <summary>Looks up to <see cref="MaxBatchGet"/> partitions by their values; the ones that do not exist are left out.</summary>
    public async Task<List<JsonObject>> BatchGetPartitionAsync(string database, string table, IReadOnlyList<JsonArray> partitionValues, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partitionValues.Count, MaxBatchGet);
        var request = new JsonObject
        {
            ["DatabaseName"] = database,
            ["TableName"] = table,
            ["PartitionsToGet"] = new JsonArray(partitionValues.Select(v => (JsonNode)new JsonObject { ["Values"] = v.DeepClone() }).ToArray()),
        };
        var found = new List<JsonObject>();
        while (true)
        {
            var response = await ReadAsync("BatchGetPartition", request, cancellationToken).ConfigureAwait(false);
            found.AddRange(Objects(response["Partitions"]));
            // Glue may leave some lookups unprocessed (throttling); ask again for just those.
            if (response["UnprocessedKeys"] is not JsonArray { Count: > 0 } unprocessed)
            {
                return found;
            }

            request["PartitionsToGet"] = unprocessed.DeepClone();
        }
    }

    /// <summary>Creates up to <see cref="MaxBatchWrite"/> partitions; returns the per-entry errors.</summary>
    public Task<List<PartitionError>> BatchCreatePartitionAsync(string database, string table, IReadOnlyList<JsonObject> partitionInputs, CancellationToken cancellationToken) =>
        BatchAsync("BatchCreatePartition", new JsonObject
        {
            ["DatabaseName"] = database,
            ["TableName"] = table,
            ["PartitionInputList"] = new JsonArray(partitionInputs.Select(p => (JsonNode)p.DeepClone()).ToArray()),
        }, partitionInputs.Count, MaxBatchWrite, cancellationToken);

    /// <summary>Updates up to <see cref="MaxBatchWrite"/> partitions, each named by its current values; returns the per-entry errors.</summary>
    public Task<List<PartitionError>> BatchUpdatePartitionAsync(string database, string table, IReadOnlyList<JsonObject> partitionInputs, CancellationToken cancellationToken) =>
        BatchAsync("BatchUpdatePartition", new JsonObject
        {
            ["DatabaseName"] = database,
            ["TableName"] = table,
            ["Entries"] = new JsonArray(partitionInputs.Select(p => (JsonNode)new JsonObject
            {
                ["PartitionValueList"] = p["Values"]!.DeepClone(),
                ["PartitionInput"] = p.DeepClone(),
            }).ToArray()),
        }, partitionInputs.Count, MaxBatchWrite, cancellationToken);

    /// <summary>Deletes up to <see cref="MaxBatchDelete"/> partitions by their values; returns the per-entry errors.</summary>
    public Task<List<PartitionError>> BatchDeletePartitionAsync(string database, string table, IReadOnlyList<JsonArray> partitionValues, CancellationToken cancellationToken) =>
        BatchAsync("BatchDeletePartition", new JsonObject
        {
            ["DatabaseName"] = database,
            ["TableName"] = table,
            ["PartitionsToDelete"] = new JsonArray(partitionValues.Select(v => (JsonNode)new JsonObject { ["Values"] = v.DeepClone() }).ToArray()),
        }, partitionValues.Count, MaxBatchDelete, cancellationToken);

    private async Task<List<PartitionError>> BatchAsync(string operation, JsonObject request, int count, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, limit);
        var response = await SendAsync(operation, request, write: true, cancellationToken).ConfigureAwait(false);
        return Objects(response["Errors"]).Select(e => new PartitionError(
            (e["PartitionValues"]?.AsArray() ?? []).Select(v => (string)v!).ToList(),
            (string?)e["ErrorDetail"]?["ErrorCode"] ?? "Unknown",
            (string?)e["ErrorDetail"]?["ErrorMessage"] ?? "")).ToList();
    }

    private async Task<List<JsonObject>> ListAllAsync(string operation, JsonObject request, string listField, CancellationToken cancellationToken)
    {
        var all = new List<JsonObject>();
        while (true)
        {
            var page = await ReadAsync(operation, request, cancellationToken).ConfigureAwait(false);
            all.AddRange(Objects(page[listField]));
            if ((string?)page["NextToken"] is not { Length: > 0 } token)
            {
                return all;
            }

            request["NextToken"] = token;
        }
    }

    private Task<JsonObject> ReadAsync(string operation, JsonObject request, CancellationToken cancellationToken) =>
        SendAsync(operation, request, write: false, cancellationToken);

    private Task WriteAsync(string operation, JsonObject request, CancellationToken cancellationToken) =>
        SendAsync(operation, request, write: true, cancellationToken);

    private async Task<JsonObject> SendAsync(string operation, JsonObject request, bool write, CancellationToken cancellationToken)
    {
        Calls.Count(write);
        var response = await _client.SendRawAsync(operation, Encoding.UTF8.GetBytes(request.ToJsonString()), cancellationToken).ConfigureAwait(false);
        return response.Length == 0 ? new JsonObject() : JsonNode.Parse(response)?.AsObject() ?? new JsonObject();
    }

    private static List<JsonObject> Objects(JsonNode? array) => (array?.AsArray() ?? []).Select(n => n!.AsObject()).ToList();
}

/// <summary>One entry of a batch partition call that failed, as the response's Errors list names it.</summary>
public sealed record PartitionError(IReadOnlyList<string> Values, string ErrorCode, string ErrorMessage);

/// <summary>Calls made by one client, by kind.</summary>
public sealed class GlueCallCounts
{
    private long _reads;
    private long _writes;

    public long Reads => Interlocked.Read(ref _reads);

    public long Writes => Interlocked.Read(ref _writes);

    internal void Count(bool write) => Interlocked.Increment(ref write ? ref _writes : ref _reads);
}
