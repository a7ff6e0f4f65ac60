using Replicator.Lambda;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.EventSourceMapping;
using Replicator.LocalCloud.Faults;
using Replicator.Relay;

namespace Replicator.LocalCloud.Demo;

/// <summary>The relay of one region towards another as template.yaml deploys it: the function behind its event source mapping, on the local cloud.</summary>
public static class LocalRelay
{
    /// <param name="faults">Injected into this relay's target calls and invocations, for the chaos drill.</param>
    /// <param name="mappingWaitsForParentShards">False: the mapping reads a child shard as soon as it is listed, and only the relay keeps each key's order across a reshard.</param>
    public static LocalEventSourceMapping Create(
        TwoRegionCloud cloud,
        string streamName,
        string sourceRegion,
        string targetRegion,
        int batchSize,
        TextWriter functionLog,
        FaultInjection? faults = null,
        TimeSpan? functionTimeout = null,
        RelayOrdering ordering = RelayOrdering.Strict,
        bool mappingWaitsForParentShards = true)
    {
        var environment = LocalFunctionEnvironment.Relay(cloud, sourceRegion, targetRegion);
        environment[RelayEnvironment.Ordering] = ordering.ToString().ToLowerInvariant();
        var functionName = $"kinesis-relay-{sourceRegion}-to-{targetRegion}";
        return new LocalEventSourceMapping(
            cloud.CreateKinesisClient(sourceRegion),
            streamName,
            () => FunctionInstance.Start(environment, isolated =>
            {
                LambdaHandler relay = RelayFactory.Create(isolated, faults is null ? null : faults.Decorate, functionLog).HandleAsync;
                return faults is null ? relay : faults.Wrap(relay);
            }),
            (requestId, timeout) => LocalLambdaContext.Create(sourceRegion, functionName, requestId, timeout, functionLog),
            new EventSourceMappingOptions
            {
                BatchSize = batchSize,
                FunctionName = functionName,
                FunctionTimeout = functionTimeout ?? TimeSpan.FromSeconds(60),
                WaitsForParentShards = mappingWaitsForParentShards,
            });
    }
}
