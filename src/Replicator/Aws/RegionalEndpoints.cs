namespace Replicator.Aws;

/// <summary>One service's endpoints for whichever region a client is made for: the region's own if listed, else the one for every region.</summary>
public sealed record RegionalEndpoints(IReadOnlyDictionary<string, Uri> PerRegion, Uri? EveryRegion)
{
    /// <returns>null: the region's real endpoint.</returns>
    public Uri? For(string region) => PerRegion.GetValueOrDefault(region) ?? EveryRegion;
}
