using System.Text.Json.Serialization;

namespace Replicator.Catalog;

/// <summary>What a sync did (or, dry, would do) per kind, and what failed by name: the execution's output and the metrics.</summary>
public sealed class CatalogSyncResult
{
    /// <summary>The most failures carried by name; beyond it they are only counted (a state's payload is limited to 256 KiB).</summary>
    public const int MaxFailuresNamed = 100;

    public KindCounts Databases { get; init; } = new();

    public KindCounts Tables { get; init; } = new();

    public KindCounts Partitions { get; init; } = new();

    /// <summary>Lake Formation permissions: granted (created), revoked (deleted), grant option changed (updated).</summary>
    public KindCounts Grants { get; init; } = new();

    /// <summary>Lake Formation data cells filters.</summary>
    public KindCounts Filters { get; init; } = new();

    public List<SyncFailure> Failures { get; init; } = [];

    /// <summary>Every failure, named or not.</summary>
    public int FailureCount { get; set; }

    [JsonIgnore]
    public int Writes => Databases.Writes + Tables.Writes + Partitions.Writes + Grants.Writes + Filters.Writes;

    private readonly HashSet<(string Kind, string Name)> _failed = [];

    /// <summary>Whether this entity failed in this invocation, named or not.</summary>
    public bool Failed(string kind, string name) => _failed.Contains((kind, name));

    /// <summary>Adds another invocation's counts and failures: the totals of a sync that took several.</summary>
    public void Add(CatalogSyncResult other)
    {
        Databases.Add(other.Databases);
        Tables.Add(other.Tables);
        Partitions.Add(other.Partitions);
        Grants.Add(other.Grants);
        Filters.Add(other.Filters);
        FailureCount += other.FailureCount;
        Failures.AddRange(other.Failures.Take(MaxFailuresNamed - Failures.Count));
    }

    public void Fail(SyncFailure failure)
    {
        FailureCount++;
        _failed.Add((failure.Kind, failure.Name));
        if (Failures.Count < MaxFailuresNamed)
        {
            Failures.Add(failure);
        }
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

/// <param name="Kind">database, table, partition, grant or filter.</param>
/// <param name="Name">db, db.table, db.table[values], a grant's resource, permissions and principal, or db.table[filter].</param>
public sealed record SyncFailure(string Kind, string Name, string Error);
