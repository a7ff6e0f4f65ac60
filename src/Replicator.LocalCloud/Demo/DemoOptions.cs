using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.Faults;
using Replicator.Relay;

namespace Replicator.LocalCloud.Demo;

public sealed record DemoOptions
{
    public string StreamName { get; init; } = "kds-stream-1";

    public int Shards { get; init; } = 4;

    public int Records { get; init; } = 10_000;

    public int Keys { get; init; } = 200;

    public string RegionA { get; init; } = TwoRegionCloud.DefaultRegionA;

    public string RegionB { get; init; } = TwoRegionCloud.DefaultRegionB;

    public int BatchSize { get; init; } = 100;

    /// <summary>Key popularity: null for uniform, else Zipf with this exponent (a few hot keys, a long tail).</summary>
    public double? ZipfExponent { get; init; }

    /// <summary>The relays' ordering mode; the check holds the target to that mode's contract.</summary>
    public RelayOrdering Ordering { get; init; } = RelayOrdering.Strict;

    /// <summary>Faults injected into region A's relay; null for none.</summary>
    public FaultPlan? Faults { get; init; }

    /// <summary>
    /// The relays' function timeout (the template's is 60 s). An invocation that reaches it is killed
    /// and its batch retried, so a drill that stalls invocations sets it short to keep its run short.
    /// </summary>
    public TimeSpan RelayTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long replication may take before the demo gives up and reports what is missing.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(3);
}
