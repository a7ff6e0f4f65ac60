namespace Replicator.Monitoring;

/// <summary>One stream's lag towards one target region: the worst shard's age, and the records behind over all shards.</summary>
public sealed record StreamLag(string StreamName, string TargetRegion, string ActiveRegion, IReadOnlyList<ShardLag> Shards)
{
    public double SecondsBehind => Shards.Count == 0 ? 0 : Shards.Max(s => s.SecondsBehind);

    public long RecordsBehind => Shards.Sum(s => s.RecordsBehind);

    public bool AtLeast => Shards.Any(s => s.AtLeast);

    /// <summary>The stream's watermark for this target as measured (see <see cref="Relay.Watermark"/>); null while nothing is proven.</summary>
    public DateTimeOffset? Watermark { get; } = Relay.Watermark.Over(Shards.Select(s => s.Frontier));
}
