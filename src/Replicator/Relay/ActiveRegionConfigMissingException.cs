namespace Replicator.Relay;

/// <summary>The config table has no usable item for the stream: the relay must not guess, so the batch fails and is retried.</summary>
public sealed class ActiveRegionConfigMissingException(string table, string streamName, string problem)
    : Exception($"{table} has {problem} for {TableAttributes.StreamName} '{streamName}'; the batch is retried until it does " +
        $"(put an item with {TableAttributes.StreamName} and {TableAttributes.ActiveRegion}).");
