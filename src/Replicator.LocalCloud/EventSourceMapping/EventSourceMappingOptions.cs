namespace Replicator.LocalCloud.EventSourceMapping;

/// <summary>The settings of a Kinesis event source mapping that the local one honours.</summary>
public sealed record EventSourceMappingOptions
{
    /// <summary>BatchSize: the most records one invocation gets.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>MaximumBatchingWindowInSeconds: how long to gather records before invoking with fewer than BatchSize.</summary>
    public TimeSpan BatchingWindow { get; init; } = TimeSpan.Zero;

    /// <summary>The function's timeout: each invocation's deadline, seen by the handler as RemainingTime.</summary>
    public TimeSpan FunctionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long an idle shard waits between GetRecords calls: Lambda polls each shard at a base rate of
    /// once a second (Lambda developer guide, "Using Lambda with Kinesis"), which leaves the shard's other
    /// four reads a second to the other readers.
    /// </summary>
    public TimeSpan IdlePollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait before retrying a batch whose invocation failed.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often the mapping lists the stream's shards to find children of a reshard.</summary>
    public TimeSpan ShardDiscoveryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether a child shard is read only once its parents are read to their end, as KCL does. Lambda's
    /// documentation does not say that its Kinesis mapping waits; false starts a child as soon as it is
    /// listed, the unfavourable case, in which the relay must keep each key's order by itself.
    /// </summary>
    public bool WaitsForParentShards { get; init; } = true;

    /// <summary>The account id placed in ARNs of the events (a documentation placeholder).</summary>
    public string AccountId { get; init; } = "123456789012";

    public string FunctionName { get; init; } = "relay";
}
