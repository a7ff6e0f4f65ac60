using Replicator.Aws.Kinesis;
using System.Text.Json.Serialization;

namespace Replicator.Lambda;

/// <summary>
/// The event Lambda's Kinesis event source mapping sends: one batch of records of one shard, in
/// shard order. Names and shapes follow Amazon.Lambda.KinesisEvents so that moving to that package is a rename.
/// </summary>
public sealed record KinesisEvent([property: JsonPropertyName("Records")] IReadOnlyList<KinesisEventRecord>? Records);

public sealed record KinesisEventRecord
{
    [JsonPropertyName("eventSource")] public string? EventSource { get; init; }

    [JsonPropertyName("eventVersion")] public string? EventVersion { get; init; }

    /// <summary><c>shardId-…:sequenceNumber</c>.</summary>
    [JsonPropertyName("eventID")] public string? EventId { get; init; }

    [JsonPropertyName("eventName")] public string? EventName { get; init; }

    [JsonPropertyName("invokeIdentityArn")] public string? InvokeIdentityArn { get; init; }

    [JsonPropertyName("awsRegion")] public string? AwsRegion { get; init; }

    [JsonPropertyName("eventSourceARN")] public string? EventSourceArn { get; init; }

    [JsonPropertyName("kinesis")] public KinesisRecordData? Kinesis { get; init; }
}

public sealed record KinesisRecordData
{
    [JsonPropertyName("kinesisSchemaVersion")] public string? KinesisSchemaVersion { get; init; }

    [JsonPropertyName("partitionKey")] public string? PartitionKey { get; init; }

    [JsonPropertyName("sequenceNumber")] public string? SequenceNumber { get; init; }

    /// <summary>The record's bytes (base64 on the wire), opaque to the relay.</summary>
    [JsonPropertyName("data")] public Base64Data? Data { get; init; }

    /// <summary>Seconds since the epoch, with a fraction.</summary>
    [JsonPropertyName("approximateArrivalTimestamp")] public double ApproximateArrivalTimestamp { get; init; }

    [JsonPropertyName("encryptionType")] public string? EncryptionType { get; init; }
}
