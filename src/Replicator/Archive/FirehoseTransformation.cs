using System.Text.Json.Serialization;
using Replicator.Aws.Kinesis;

namespace Replicator.Archive;

/// <summary>The event Firehose hands a transformation function when its source is a Kinesis stream.</summary>
public sealed record FirehoseTransformationEvent(
    string? InvocationId,
    string? DeliveryStreamArn,
    string? SourceKinesisStreamArn,
    string? Region,
    IReadOnlyList<FirehoseRecord>? Records);

/// <param name="ApproximateArrivalTimestamp">Milliseconds since the epoch.</param>
public sealed record FirehoseRecord(string? RecordId, long ApproximateArrivalTimestamp, Base64Data? Data, KinesisRecordMetadata? KinesisRecordMetadata);

public sealed record KinesisRecordMetadata(string? SequenceNumber, long SubsequenceNumber, string? PartitionKey, string? ShardId, long ApproximateArrivalTimestamp);

/// <summary>The function's answer: one entry per record, in any order, each Ok, Dropped or ProcessingFailed.</summary>
public sealed record FirehoseTransformationResponse(IReadOnlyList<FirehoseRecordResult> Records);

/// <param name="Metadata">Dynamic partitioning keys, used by the delivery stream's S3 prefix.</param>
public sealed record FirehoseRecordResult(string RecordId, string Result, Base64Data Data, FirehoseRecordMetadata? Metadata)
{
    public const string Ok = "Ok";
    public const string ProcessingFailed = "ProcessingFailed";
}

public sealed record FirehoseRecordMetadata(IReadOnlyDictionary<string, string> PartitionKeys);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FirehoseTransformationEvent))]
[JsonSerializable(typeof(FirehoseTransformationResponse))]
public sealed partial class ArchiveJsonContext : JsonSerializerContext;
