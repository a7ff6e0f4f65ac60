using System.Text.Json.Nodes;

namespace Replicator.Catalog;

/// <summary>
/// Turns what Glue returns for a database, table or partition into the input that creates or updates
/// it (the API's DatabaseInput, TableInput, PartitionInput): the read-only fields dropped, and every S3
/// location rewritten for the replica. Two definitions are the same exactly when their inputs are, so
/// the sync compares inputs. Access and analysis times are left out: they change with use, not with
/// the definition, and copying them would rewrite every table on every run.
/// </summary>
public static class CatalogInputs
{
    private static readonly string[] DatabaseFields = ["Name", "Description", "LocationUri", "Parameters", "CreateTableDefaultPermissions", "TargetDatabase", "FederatedDatabase"];

    private static readonly string[] TableFields =
        ["Name", "Description", "Owner", "Retention", "StorageDescriptor", "PartitionKeys", "ViewOriginalText", "ViewExpandedText", "TableType", "Parameters", "TargetTable", "ViewDefinition"];

    private static readonly string[] PartitionFields = ["Values", "StorageDescriptor", "Parameters"];

    public static JsonObject Database(JsonObject database, LocationRewriter locations)
    {
        var input = Project(database, DatabaseFields);
        if ((string?)input["LocationUri"] is { } uri)
        {
            input["LocationUri"] = locations.Rewrite(uri);
        }

        RewriteParameters(input, locations);
        return input;
    }

    public static JsonObject Table(JsonObject table, LocationRewriter locations)
    {
        var input = Project(table, TableFields);
        RewriteStorage(input, locations);
        // Partition projection keeps its location template in a parameter (storage.location.template).
        RewriteParameters(input, locations);
        return input;
    }

    public static JsonObject Partition(JsonObject partition, LocationRewriter locations)
    {
        var input = Project(partition, PartitionFields);
        RewriteStorage(input, locations);
        return input;
    }

    /// <summary>A partition's identity within its table: its values, in key order.</summary>
    public static string PartitionKey(JsonObject partition) => partition["Values"]?.ToJsonString() ?? "[]";

    private static JsonObject Project(JsonObject source, string[] fields)
    {
        var input = new JsonObject();
        foreach (var field in fields)
        {
            if (source[field] is { } value)
            {
                input[field] = value.DeepClone();
            }
        }

        return input;
    }

    private static void RewriteStorage(JsonObject input, LocationRewriter locations)
    {
        if (input["StorageDescriptor"] is JsonObject storage && (string?)storage["Location"] is { } location)
        {
            storage["Location"] = locations.Rewrite(location);
        }
    }

    private static void RewriteParameters(JsonObject input, LocationRewriter locations)
    {
        if (input["Parameters"] is not JsonObject parameters)
        {
            return;
        }

        foreach (var (name, value) in parameters.ToList())
        {
            if (value is JsonValue text && text.TryGetValue<string>(out var s) && locations.Rewrite(s) is var rewritten && rewritten != s)
            {
                parameters[name] = rewritten;
            }
        }
    }
}
