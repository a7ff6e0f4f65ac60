namespace Replicator.LocalCloud.Demo;

/// <summary>A snapshot of the demo's counters for a live display.</summary>
/// <param name="RelayedFromA">Records region A's relay acknowledged (durable in B).</param>
/// <param name="ConsumedInB">Records region B's relay consumed and, B not being active, did not copy back.</param>
public sealed record DemoProgress(string Stage, int Produced, long RelayedFromA, long ConsumedInB, long FailedInvocations);
