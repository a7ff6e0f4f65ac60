using Replicator.LocalCloud.Emulators;

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

    /// <summary>How long replication may take before the demo gives up and reports what is missing.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(3);
}
