using System.Text.Json;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;
using Replicator.Relay;

namespace Replicator.Archive;

/// <summary>
/// Firehose's transformation function for the archive (handler <c>archive-transform</c>): wraps each
/// Kinesis record in an <see cref="ArchiveEnvelope"/> line and returns the dynamic partitioning keys
/// (stream, event hour, and tenant when a tenant field is configured). A record it cannot wrap is
/// returned ProcessingFailed with its original data, so Firehose keeps it under the error prefix, and the
/// reason is logged with its record id: nothing is dropped.
/// </summary>
public sealed class ArchiveTransformFunction(string? tenantField)
{
    /// <summary>Firehose's largest record after transformation.</summary>
    public const int MaxRecordBytes = 1000 * 1024;

    /// <summary>The tenant of records whose payload has no tenant field, kept under its own prefix.</summary>
    public const string NoTenant = "_none";

    public static LambdaHandler CreateHandler(IReadOnlyDictionary<string, string> environment) =>
        new ArchiveTransformFunction(EnvironmentSettings.Optional(environment, ArchiveEnvironment.TenantField)).HandleAsync;

    public Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        var transformation = Read(payload);
        var stream = StreamNameOf(transformation.SourceKinesisStreamArn);
        var results = new List<FirehoseRecordResult>(transformation.Records!.Count);
        var failed = 0;
        for (var i = 0; i < transformation.Records.Count; i++)
        {
            var record = transformation.Records[i];
            var recordId = record.RecordId ?? throw new InvalidFirehoseEventException($"records[{i}].recordId is missing: Firehose could not match the answer to it.");
            var (result, reason) = Wrap(record, stream);
            if (reason is not null)
            {
                failed++;
                context.Logger.LogError($"Archive record {recordId} (records[{i}], sequence number {record.KinesisRecordMetadata?.SequenceNumber ?? "unknown"}) kept unwrapped under the error prefix: {reason}");
            }

            results.Add(result with { RecordId = recordId });
        }

        context.Logger.LogInformation($"Archived {results.Count - failed} records of {stream}; {failed} kept unwrapped.");
        return Task.FromResult(JsonSerializer.SerializeToUtf8Bytes(new FirehoseTransformationResponse(results), ArchiveJsonContext.Default.FirehoseTransformationResponse));
    }

    private (FirehoseRecordResult Result, string? Reason) Wrap(FirehoseRecord record, string stream)
    {
        var data = record.Data ?? new Base64Data(ReadOnlyMemory<byte>.Empty);
        FirehoseRecordResult Failed() => new("", FirehoseRecordResult.ProcessingFailed, data, null);
        var metadata = record.KinesisRecordMetadata;
        if (record.Data is null)
        {
            return (Failed(), "data is missing");
        }

        if (metadata?.PartitionKey is not { } partitionKey || metadata.ShardId is not { } shardId || metadata.SequenceNumber is not { } sequenceNumber)
        {
            return (Failed(), "kinesisRecordMetadata lacks partitionKey, shardId or sequenceNumber: the delivery stream's source is not a Kinesis stream");
        }

        var bytes = data.ToArray();
        var arrival = DateTimeOffset.FromUnixTimeMilliseconds(metadata.ApproximateArrivalTimestamp != 0 ? metadata.ApproximateArrivalTimestamp : record.ApproximateArrivalTimestamp);
        var envelope = new ArchiveEnvelope(partitionKey, shardId, sequenceNumber, arrival, CommitTimestamps.TryRead(bytes), data);
        var line = envelope.ToJsonLine();
        if (line.Length > MaxRecordBytes)
        {
            return (Failed(), $"its envelope is {line.Length} bytes, over Firehose's {MaxRecordBytes}-byte record limit");
        }

        var keys = new Dictionary<string, string>(StringComparer.Ordinal) { ["stream"] = stream, ["hour"] = envelope.EventHour };
        if (tenantField is not null)
        {
            keys["tenant"] = TenantPrefix.Of(bytes, tenantField) ?? NoTenant;
        }

        keys["bucket"] = ArchiveBuckets.Name(ArchiveBuckets.Of(partitionKey));

        return (new FirehoseRecordResult("", FirehoseRecordResult.Ok, Base64Data.FromBytes(line), new FirehoseRecordMetadata(keys)), null);
    }

    private static FirehoseTransformationEvent Read(ReadOnlyMemory<byte> payload)
    {
        FirehoseTransformationEvent? transformation;
        try
        {
            transformation = JsonSerializer.Deserialize(payload.Span, ArchiveJsonContext.Default.FirehoseTransformationEvent);
        }
        catch (JsonException e)
        {
            throw new InvalidFirehoseEventException($"The event is not a Firehose transformation event: {e.Message}");
        }

        return transformation?.Records is not null
            ? transformation
            : throw new InvalidFirehoseEventException("The event has no 'records' array: it is not a Firehose transformation event.");
    }

    private static string StreamNameOf(string? arn) =>
        StreamArns.StreamName(arn)
            ?? throw new InvalidFirehoseEventException($"sourceKinesisStreamArn '{arn ?? "(missing)"}' is not a Kinesis stream ARN: the archive's delivery stream must read from the stream.");
}

/// <summary>The event is not what Firehose sends; the message names the field.</summary>
public sealed class InvalidFirehoseEventException(string message) : Exception(message);
