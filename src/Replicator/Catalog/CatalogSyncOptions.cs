namespace Replicator.Catalog;

/// <param name="Databases">The databases to sync; null for every database of the source.</param>
/// <param name="PropagateDeletes">Delete replica tables and partitions the source no longer has. Off unless asked: a replica may hold its own.</param>
/// <param name="DryRun">Plan and count, write nothing.</param>
public sealed record CatalogSyncOptions(LocationRewriter Locations, IReadOnlyList<string>? Databases = null, bool PropagateDeletes = false, bool DryRun = false);
