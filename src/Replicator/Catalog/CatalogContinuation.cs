namespace Replicator.Catalog;

/// <summary>
/// Where a paused sync resumes: a table of a database, the phase of its partitions (upserts from the
/// source's pages, then deletes from the replica's), and the page to read next (null: the phase's start).
/// Everything before it is done; the state machine passes it back in.
/// </summary>
public sealed record CatalogContinuation(string Database, string Table, string Phase, string? PartitionToken)
{
    public const string Upserts = "upserts";
    public const string Deletes = "deletes";
}

/// <summary>What one invocation did, and where the next resumes (null: the sync is complete).</summary>
public sealed record CatalogSyncStep(CatalogSyncResult Result, CatalogContinuation? Next);
