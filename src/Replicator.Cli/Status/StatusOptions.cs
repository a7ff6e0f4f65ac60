namespace Replicator.Cli.Status;

/// <summary>What <c>replicator status</c> looks at, and where (real endpoints unless overridden).</summary>
public sealed record StatusOptions(
    IReadOnlyList<string> Streams,
    string Region,
    IReadOnlyList<string> TargetRegions,
    string ConfigTable = "kdsActiveRegionConfig",
    string CheckpointTable = "kdsReplicationCheckpoint",
    Uri? KinesisEndpoint = null,
    Uri? DynamoDbEndpoint = null);
