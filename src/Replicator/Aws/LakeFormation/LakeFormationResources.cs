using System.Text.Json.Nodes;

namespace Replicator.Aws.LakeFormation;

/// <summary>Lake Formation's Resource shapes for the catalog's databases and tables, in this account's catalog.</summary>
public static class LakeFormationResources
{
    public static JsonObject Database(string name) => new() { ["Database"] = new JsonObject { ["Name"] = name } };

    /// <summary>Every table of the database, now and later (TableWildcard).</summary>
    public static JsonObject AllTables(string database) => new() { ["Table"] = new JsonObject { ["DatabaseName"] = database, ["TableWildcard"] = new JsonObject() } };

    public static JsonObject Table(string database, string name) => new() { ["Table"] = new JsonObject { ["DatabaseName"] = database, ["Name"] = name } };

    public static JsonObject DataCellsFilter(string database, string table, string name) =>
        new() { ["DataCellsFilter"] = new JsonObject { ["DatabaseName"] = database, ["TableName"] = table, ["Name"] = name } };
}
