using System.Text.Json.Serialization;

namespace Replicator.Catalog;

/// <summary>One invocation's input from the state machine: where to resume, and the totals so far (both null at the start).</summary>
public sealed record CatalogSyncRequest(CatalogContinuation? Continuation, CatalogSyncResult? Totals, bool DryRun = false);

/// <param name="Done">No continuation: the sync is complete and <paramref name="Totals"/> is its result.</param>
public sealed record CatalogSyncResponse(CatalogContinuation? Continuation, CatalogSyncResult Totals, bool Done);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CatalogSyncRequest))]
[JsonSerializable(typeof(CatalogSyncResponse))]
public sealed partial class CatalogJsonContext : JsonSerializerContext;
