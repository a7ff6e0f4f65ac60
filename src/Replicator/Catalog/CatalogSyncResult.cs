using System.Text.Json.Serialization;

namespace Replicator.Catalog;

/// <summary>What a sync did (or, dry, would do) per kind, and what failed by name: the execution's output and the metrics.</summary>
public sealed class CatalogSyncResult
{
    public KindCounts Databases { get; } = new();

    public KindCounts Tables { get; } = new();

    public KindCounts Partitions { get; } = new();

    public List<SyncFailure> Failures { get; } = [];

    [JsonIgnore]
    public int Writes => Databases.Writes + Tables.Writes + Partitions.Writes;

    public bool Failed(string kind, string name) => Failures.Any(f => f.Kind == kind && f.Name == name);

    /// <summary>Adds another invocation's counts and failures: the totals of a sync that took several.</summary>
    public void Add(CatalogSyncResult other)
    {
        Databases.Add(other.Databases);
        Tables.Add(other.Tables);
        Partitions.Add(other.Partitions);
        Failures.AddRange(other.Failures);
    }
}

public sealed class KindCounts
{
    public int Created { get; set; }

    public int Updated { get; set; }

    public int Deleted { get; set; }

    public int Unchanged { get; set; }

    [JsonIgnore]
    public int Writes => Created + Updated + Deleted;

    public void Add(KindCounts other)
    {
        Created += other.Created;
        Updated += other.Updated;
        Deleted += other.Deleted;
        Unchanged += other.Unchanged;
    }
}

/// <param name="Kind">database, table or partition.</param>
/// <param name="Name">db, db.table, or db.table[values].</param>
public sealed record SyncFailure(string Kind, string Name, string Error);
