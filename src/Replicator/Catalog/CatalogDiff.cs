using System.Text.Json.Nodes;

namespace Replicator.Catalog;

/// <summary>
/// What a replica lacks, has differently, or has extra, compared with the source: pure, so the plan
/// can be tested, printed (<c>--dry-run</c>) and written in batches. Entries are inputs, keyed by name
/// (databases, tables) or by partition values.
/// </summary>
public sealed record CatalogDiff(IReadOnlyList<JsonObject> Create, IReadOnlyList<JsonObject> Update, IReadOnlyList<JsonObject> Delete, int Unchanged)
{
    public int Writes => Create.Count + Update.Count + Delete.Count;

    /// <param name="source">Source inputs, locations already rewritten for the replica.</param>
    /// <param name="replica">The replica's inputs as they are.</param>
    public static CatalogDiff Between(IEnumerable<JsonObject> source, IEnumerable<JsonObject> replica, Func<JsonObject, string> keyOf)
    {
        var existing = replica.ToDictionary(keyOf, StringComparer.Ordinal);
        var create = new List<JsonObject>();
        var update = new List<JsonObject>();
        var unchanged = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var wanted in source)
        {
            var key = keyOf(wanted);
            seen.Add(key);
            if (!existing.TryGetValue(key, out var have))
            {
                create.Add(wanted);
            }
            else if (!JsonNode.DeepEquals(wanted, have))
            {
                update.Add(wanted);
            }
            else
            {
                unchanged++;
            }
        }

        var delete = existing.Where(e => !seen.Contains(e.Key)).Select(e => e.Value).ToList();
        return new CatalogDiff(create, update, delete, unchanged);
    }

    public static string NameOf(JsonObject input) => (string?)input["Name"] ?? "";
}
