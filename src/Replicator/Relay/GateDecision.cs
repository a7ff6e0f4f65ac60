namespace Replicator.Relay;

/// <summary>Whether this region may replicate a stream now, and what the config table said.</summary>
public sealed record GateDecision(bool MayReplicate, string ActiveRegion, string State, long Version);
