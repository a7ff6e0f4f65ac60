using Replicator.Failover;
using Replicator.Monitoring;
using Replicator.Relay;

namespace Replicator.Lambda;

/// <summary>
/// The functions the bootstrap serves, by <c>_HANDLER</c> name. Each entry does its one-time
/// work (settings, clients) when created and returns the invocation path.
/// </summary>
public static class FunctionCatalog
{
    private static readonly Dictionary<string, Func<IReadOnlyDictionary<string, string>, CancellationToken, Task<LambdaHandler>>> Factories =
        new(StringComparer.Ordinal)
        {
            ["relay"] = (environment, _) => Task.FromResult(RelayFactory.CreateHandler(environment)),
            ["lag-monitor"] = (environment, _) => Task.FromResult(LagMonitorFunction.CreateHandler(environment)),
            ["failover-drain"] = (environment, _) => Task.FromResult(DrainFunction.CreateHandler(environment)),
            ["failover-verify"] = (environment, _) => Task.FromResult(VerifyFunction.CreateHandler(environment)),
            ["failover-report"] = (environment, _) => Task.FromResult(ReportFunction.CreateHandler(environment)),
        };

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    /// <exception cref="UnknownHandlerException">No function has that name.</exception>
    public static Task<LambdaHandler> CreateAsync(string name, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken) =>
        Factories.TryGetValue(name, out var factory)
            ? factory(environment, cancellationToken)
            : throw new UnknownHandlerException(name, Names);
}
