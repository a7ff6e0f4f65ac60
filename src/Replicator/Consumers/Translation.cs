namespace Replicator.Consumers;

/// <summary>
/// A consumer's positions in the new region: one per target shard (for a KCL lease table), and the one
/// timestamp a Lambda event source mapping can start every shard from: <see cref="AtTimestamp"/>
/// (AT_TIMESTAMP), or TRIM_HORIZON when it is null, or LATEST when <see cref="NothingUnprocessed"/>.
/// </summary>
public sealed record Translation(IReadOnlyList<TargetPosition> Targets, DateTimeOffset? AtTimestamp, bool NothingUnprocessed, IReadOnlyList<string> Unanchored)
{
    /// <summary>The most copies any one target shard re-delivers; null when a shard starts at TRIM_HORIZON for want of samples.</summary>
    public long? DuplicateBound => Targets.Any(t => t.DuplicateBound is null) ? null : Targets.Sum(t => t.DuplicateBound!.Value);
}
