namespace Replicator.LocalCloud.EventSourceMapping;

/// <summary>One invocation the local event source mapping made, for progress displays and tests.</summary>
public sealed record InvocationResult(string ShardId, int Records, int Acknowledged, string? FailedItemIdentifier, Exception? Error);
