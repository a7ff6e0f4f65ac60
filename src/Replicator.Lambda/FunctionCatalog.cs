using Replicator.Archive;
using Replicator.Catalog;
using Replicator.Failover;
using Replicator.Monitoring;
using Replicator.Relay;
using Replicator.Replay;

namespace Replicator.Lambda;

/// <summary>
/// The functions the bootstrap serves, by <c>_HANDLER</c> name. Each entry does its one-time
/// work (settings, clients) when created and returns the invocation path.
/// </summary>
public static class FunctionCatalog
{
    /// <summary>Each factory gets the environment and where EMF metric lines go (stdout in Lambda; the function log locally).</summary>
    private static readonly Dictionary<string, Func<IReadOnlyDictionary<string, string>, TextWriter, CancellationToken, Task<LambdaHandler>>> Factories =
        new(StringComparer.Ordinal)
        {
            ["relay"] = (environment, metrics, _) => Task.FromResult<LambdaHandler>(RelayFactory.Create(environment, metricsOutput: metrics).HandleAsync),
            ["lag-monitor"] = (environment, metrics, _) => Task.FromResult<LambdaHandler>(LagMonitorFunction.Create(environment, metrics).HandleAsync),
            ["failover-drain"] = (environment, _, _) => Task.FromResult(DrainFunction.CreateHandler(environment)),
            ["failover-verify"] = (environment, _, _) => Task.FromResult(VerifyFunction.CreateHandler(environment)),
            ["failover-report"] = (environment, metrics, _) => Task.FromResult(ReportFunction.CreateHandler(metrics)),
            ["failover-claim"] = (environment, _, _) => Task.FromResult(ClaimFunction.CreateHandler(environment)),
            ["failover-dns"] = (environment, _, _) => Task.FromResult(DnsFunction.CreateHandler(environment)),
            ["failover-consumers"] = (environment, _, _) => Task.FromResult(ConsumersFunction.CreateHandler(environment)),
            ["failover-recover"] = (environment, _, _) => Task.FromResult(RecoverFunction.CreateHandler(environment)),
            ["catalog-sync"] = (environment, metrics, _) => Task.FromResult(CatalogSyncFunction.CreateHandler(environment, metrics)),
            ["archive-transform"] = (environment, _, _) => Task.FromResult(ArchiveTransformFunction.CreateHandler(environment)),
            ["replay-plan"] = (environment, _, _) => Task.FromResult(ReplayPlanFunction.CreateHandler(environment)),
            ["replay-lane"] = (environment, metrics, _) => Task.FromResult(ReplayLaneFunction.CreateHandler(environment, metrics)),
            ["replay-report"] = (environment, metrics, _) => Task.FromResult(ReplayReportFunction.CreateHandler(environment, metrics)),
        };

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    /// <summary>The function as Lambda runs it, writing metrics to standard output.</summary>
    /// <exception cref="UnknownHandlerException">No function has that name.</exception>
    public static Task<LambdaHandler> CreateAsync(string name, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken) =>
        CreateAsync(name, environment, Console.Out, cancellationToken);

    /// <exception cref="UnknownHandlerException">No function has that name.</exception>
    public static Task<LambdaHandler> CreateAsync(string name, IReadOnlyDictionary<string, string> environment, TextWriter metricsOutput, CancellationToken cancellationToken) =>
        Factories.TryGetValue(name, out var factory)
            ? factory(environment, metricsOutput, cancellationToken)
            : throw new UnknownHandlerException(name, Names);
}
