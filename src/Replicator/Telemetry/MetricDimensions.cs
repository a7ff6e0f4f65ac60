namespace Replicator.Telemetry;

/// <summary>The dimension names the metrics carry; alarms and the dashboard select by these (the template tests check that).</summary>
public static class MetricDimensions
{
    public const string StreamName = "StreamName";
    public const string TargetRegion = "TargetRegion";

    /// <summary>ReplicationLatencyMs measured from <see cref="FromCommitTimestamp"/> or <see cref="FromArrivalTime"/>.</summary>
    public const string LatencyBasis = "LatencyBasis";
    public const string FromCommitTimestamp = "CommitTimestamp";
    public const string FromArrivalTime = "ArrivalTime";

    /// <summary>database, table or partition: what the catalog sync counted.</summary>
    public const string EntityKind = "EntityKind";

    public static IReadOnlyList<string> All { get; } = [StreamName, TargetRegion, LatencyBasis, EntityKind];
}
