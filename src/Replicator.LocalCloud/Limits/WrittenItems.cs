using System.Text.Json.Nodes;

namespace Replicator.LocalCloud.Limits;

/// <summary>
/// What a DynamoDB write call writes, read from its JSON as the wire has it: for the local endpoints
/// that must know which items a write touched (the per-key write limit, global tables' replication).
/// </summary>
public static class WrittenItems
{
    public static bool IsWrite(string operation) => operation is "PutItem" or "UpdateItem" or "DeleteItem" or "BatchWriteItem" or "TransactWriteItems";

    /// <summary>
    /// Each item the call names: its table, the JSON holding its key attributes (the item put, or the key
    /// updated or deleted), and whether it is only a transaction's ConditionCheck, which changes nothing.
    /// </summary>
    public static IEnumerable<(string Table, JsonNode ItemOrKey, bool ConditionCheckOnly)> Of(string operation, JsonObject request)
    {
        switch (operation)
        {
            case "PutItem":
                yield return (Table(request), Required(request["Item"], "Item"), false);
                break;
            case "UpdateItem" or "DeleteItem":
                yield return (Table(request), Required(request["Key"], "Key"), false);
                break;
            case "BatchWriteItem":
                foreach (var (table, writes) in request["RequestItems"]!.AsObject())
                {
                    foreach (var write in writes!.AsArray())
                    {
                        yield return (table, Required(write!["PutRequest"]?["Item"] ?? write["DeleteRequest"]?["Key"], "PutRequest.Item or DeleteRequest.Key"), false);
                    }
                }

                break;
            case "TransactWriteItems":
                foreach (var entry in request["TransactItems"]!.AsArray())
                {
                    var (kind, action) = entry!.AsObject().Single();
                    yield return (Table(action!), Required(action!["Item"] ?? action["Key"], "Item or Key"), kind == "ConditionCheck");
                }

                break;
        }
    }

    private static string Table(JsonNode request) => (string?)request["TableName"] ?? throw new InvalidOperationException("The request names no table.");

    private static JsonNode Required(JsonNode? node, string what) => node ?? throw new InvalidOperationException($"A write names no {what}.");
}
