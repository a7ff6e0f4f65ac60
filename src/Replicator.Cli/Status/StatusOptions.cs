namespace Replicator.Cli.Status;

/// <summary>What <c>replicator status</c> looks at, and where (real endpoints unless overridden).</summary>
/// <param name="TargetKinesisEndpoints">The targets' Kinesis endpoints, for comparing their streams with the source's; a target not listed: <paramref name="KinesisEndpoint"/>'s rule, for its own region.</param>
public sealed record StatusOptions(
    IReadOnlyList<string> Streams,
    string Region,
    IReadOnlyList<string> TargetRegions,
    string ConfigTable = "kdsActiveRegionConfig",
    string CheckpointTable = "kdsReplicationCheckpoint",
    Uri? KinesisEndpoint = null,
    Uri? DynamoDbEndpoint = null,
    IReadOnlyDictionary<string, Uri>? TargetKinesisEndpoints = null);
