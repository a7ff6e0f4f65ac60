namespace Replicator.Aws.Kinesis;

public sealed record SplitShardRequest(string StreamName, string ShardToSplit, string NewStartingHashKey);

public sealed record MergeShardsRequest(string StreamName, string ShardToMerge, string AdjacentShardToMerge);

/// <param name="ScalingType">UNIFORM_SCALING, the only type the API accepts.</param>
public sealed record UpdateShardCountRequest(string StreamName, int TargetShardCount, string ScalingType = "UNIFORM_SCALING");

public sealed record UpdateShardCountResponse(string StreamName, int CurrentShardCount, int TargetShardCount);
