namespace Replicator.Aws.Kinesis;

public sealed record ListShardsRequest
{
    public string? StreamName { get; init; }

    public string? NextToken { get; init; }
}

public sealed record ListShardsResponse(IReadOnlyList<Shard> Shards, string? NextToken);

public sealed record Shard(string ShardId, HashKeyRange HashKeyRange, SequenceNumberRange SequenceNumberRange)
{
    public string? ParentShardId { get; init; }

    public string? AdjacentParentShardId { get; init; }
}

public sealed record HashKeyRange(string StartingHashKey, string EndingHashKey);

/// <summary>A closed shard has an ending sequence number; an open one does not.</summary>
public sealed record SequenceNumberRange(string StartingSequenceNumber, string? EndingSequenceNumber);

public sealed record StreamNameRequest(string StreamName);

public sealed record DescribeStreamSummaryResponse(StreamDescriptionSummary StreamDescriptionSummary);

public sealed record StreamDescriptionSummary(string StreamName, string StreamARN, string StreamStatus, int OpenShardCount, int RetentionPeriodHours)
{
    public string? EncryptionType { get; init; }

    public string? KeyId { get; init; }

    /// <summary>The largest record the stream takes, partition key and data (1024 to 10240 KiB); absent means 1024.</summary>
    public int? MaxRecordSizeInKiB { get; init; }

    /// <summary>Epoch seconds; a KCL multi-stream lease key names the stream by it.</summary>
    public double? StreamCreationTimestamp { get; init; }

    /// <summary>PROVISIONED or ON_DEMAND; absent for streams described as before on-demand streams existed.</summary>
    public StreamModeDetails? StreamModeDetails { get; init; }
}

public sealed record StreamModeDetails(string StreamMode);

/// <summary>StreamModeDetails.StreamMode's two values.</summary>
public static class StreamModes
{
    public const string Provisioned = "PROVISIONED";
    public const string OnDemand = "ON_DEMAND";
}

public sealed record UpdateMaxRecordSizeRequest(string StreamARN, int MaxRecordSizeInKiB);

/// <param name="ShardCount">Only for a provisioned stream: Kinesis refuses it with ON_DEMAND.</param>
public sealed record CreateStreamRequest(string StreamName, int? ShardCount)
{
    public StreamModeDetails? StreamModeDetails { get; init; }
}

public sealed record DeleteStreamRequest(string StreamName)
{
    public bool? EnforceConsumerDeletion { get; init; }
}

/// <summary>Operations that answer with an empty JSON object.</summary>
public sealed record EmptyResponse;
