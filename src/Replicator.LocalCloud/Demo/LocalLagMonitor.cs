using Replicator.LocalCloud.Emulators;
using Replicator.Monitoring;

namespace Replicator.LocalCloud.Demo;

/// <summary>The scheduled lag monitor, as template.yaml deploys it in a region, run for one of its minutes.</summary>
public static class LocalLagMonitor
{
    /// <summary>One minute's run for one stream and target: it measures the lag and raises the stream's watermark.</summary>
    public static Task<LagReport> RunOnceAsync(TwoRegionCloud cloud, string region, string streamName, string targetRegion, CancellationToken cancellationToken) =>
        LagMonitorFunction.Create(LocalFunctionEnvironment.LagMonitor(cloud, region, [streamName], [targetRegion]), TextWriter.Null)
            .MeasureAsync($"local-lag-monitor-{Guid.NewGuid():N}", cancellationToken);
}
