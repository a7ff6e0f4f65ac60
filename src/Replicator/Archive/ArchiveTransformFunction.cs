using System.Text.Json;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;
using Replicator.Relay;

namespace Replicator.Archive;

/// <summary>
/// Firehose's transformation function for the archive (handler <c>archive-transform</c>): wraps each
/// Kinesis record in an <see cref="ArchiveEnvelope"/> line and returns the dynamic partitioning keys
/// (stream, event hour, and tenant when a tenant field is configured). A record it cannot wrap is
/// returned ProcessingFailed with its original data, so Firehose keeps it under the error prefix, and the
/// reason is logged with its record id: nothing is dropped. Each envelope carries its shard's ancestors,
/// from ListShards (kept per environment), for a replay's order across reshards; when the stream cannot
/// be listed the records are archived without them and the log says so.
/// </summary>
/// <param name="listedShards">The source stream's shards; null archives no ancestor ids.</param>
/// <param name="tenants">The tenants listed at deploy; another tenant's records go under <see cref="TenantPrefix.UnlistedTenant"/>. Empty: every tenant its own prefix.</param>
/// <param name="buckets">Buckets per hour and tenant: one of <see cref="ArchiveBuckets.Counts"/>.</param>
public sealed class ArchiveTransformFunction(string? tenantField, ListedShards? listedShards, IReadOnlySet<string>? tenants = null, int buckets = ArchiveBuckets.Count)
{
    /// <summary>Firehose's largest record after transformation.</summary>
    public const int MaxRecordBytes = 1000 * 1024;

    public static LambdaHandler CreateHandler(IReadOnlyDictionary<string, string> environment) => Create(environment).HandleAsync;

    public static ArchiveTransformFunction Create(IReadOnlyDictionary<string, string> environment)
    {
        var buckets = EnvironmentSettings.OptionalPositiveInt(environment, ArchiveEnvironment.Buckets) ?? ArchiveBuckets.Count;
        if (!ArchiveBuckets.Counts.Contains(buckets))
        {
            throw new SettingsException(ArchiveEnvironment.Buckets, $"is {buckets}; it must be {string.Join(", ", ArchiveBuckets.Counts)} (a divisor of {ArchiveBuckets.Count}, so a replay finds each key's bucket).");
        }

        var kinesis = new KinesisClient(new AwsServiceOptions(EnvironmentSettings.Required(environment, ArchiveEnvironment.Region), AwsEnvironment.Credentials(environment), AwsEnvironment.HttpClient)
        {
            EndpointOverride = ServiceEndpoints.Resolve(environment, AwsServiceId.Kinesis, ArchiveEnvironment.KinesisEndpoint),
        });
        return new ArchiveTransformFunction(
            EnvironmentSettings.Optional(environment, ArchiveEnvironment.TenantField),
            new ListedShards(kinesis.ListShardsAsync),
            EnvironmentSettings.OptionalList(environment, ArchiveEnvironment.Tenants).ToHashSet(StringComparer.Ordinal),
            buckets);
    }

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        var transformation = Read(payload);
        var stream = StreamNameOf(transformation.SourceKinesisStreamArn);
        var shardIds = transformation.Records!.Select(r => r.KinesisRecordMetadata?.ShardId).OfType<string>().Distinct().ToList();
        var listed = await ListedAsync(stream, shardIds, context, cancellationToken).ConfigureAwait(false);
        var ancestors = shardIds.ToDictionary(id => id, id => AncestorsOf(id, listed), StringComparer.Ordinal);
        var results = new List<FirehoseRecordResult>(transformation.Records!.Count);
        var failed = 0;
        for (var i = 0; i < transformation.Records.Count; i++)
        {
            var record = transformation.Records[i];
            var recordId = record.RecordId ?? throw new InvalidFirehoseEventException($"records[{i}].recordId is missing: Firehose could not match the answer to it.");
            var (result, reason) = Wrap(record, stream, ancestors);
            if (reason is not null)
            {
                failed++;
                context.Logger.LogError($"Archive record {recordId} (records[{i}], sequence number {record.KinesisRecordMetadata?.SequenceNumber ?? "unknown"}) kept unwrapped under the error prefix: {reason}");
            }

            results.Add(result with { RecordId = recordId });
        }

        context.Logger.LogInformation($"Archived {results.Count - failed} records of {stream}; {failed} kept unwrapped.");
        return JsonSerializer.SerializeToUtf8Bytes(new FirehoseTransformationResponse(results), ArchiveJsonContext.Default.FirehoseTransformationResponse);
    }

    /// <summary>The stream's shards, the batch's among them; none when the stream cannot be listed now (logged, and archived without ancestors).</summary>
    private async Task<IReadOnlyDictionary<string, Shard>> ListedAsync(string stream, IReadOnlyList<string> shardIds, ILambdaContext context, CancellationToken cancellationToken)
    {
        if (listedShards is null)
        {
            return new Dictionary<string, Shard>();
        }

        try
        {
            return await listedShards.IncludingAsync(stream, shardIds, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AwsServiceException or HttpRequestException)
        {
            // Archiving matters more than the lineage: the replay orders these records' shards by shard id.
            context.Logger.LogWarning($"ListShards of {stream} failed, so this batch is archived without its shards' ancestor ids: {e.Message}");
            return new Dictionary<string, Shard>();
        }
    }

    private (FirehoseRecordResult Result, string? Reason) Wrap(FirehoseRecord record, string stream, IReadOnlyDictionary<string, string[]> ancestorsByShard)
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
        var envelope = new ArchiveEnvelope(partitionKey, shardId, sequenceNumber, arrival, CommitTimestamps.TryRead(bytes), data)
        {
            AncestorShardIds = ancestorsByShard.GetValueOrDefault(shardId) ?? [],
        };
        var line = envelope.ToJsonLine();
        if (line.Length > MaxRecordBytes)
        {
            return (Failed(), $"its envelope is {line.Length} bytes, over Firehose's {MaxRecordBytes}-byte record limit");
        }

        var keys = new Dictionary<string, string>(StringComparer.Ordinal) { ["stream"] = stream, ["hour"] = envelope.EventHour };
        if (tenantField is not null)
        {
            keys["tenant"] = TenantPrefix.Partition(bytes, tenantField, tenants);
        }

        keys["bucket"] = ArchiveBuckets.Name(ArchiveBuckets.Of(partitionKey, buckets), buckets);

        return (new FirehoseRecordResult("", FirehoseRecordResult.Ok, Base64Data.FromBytes(line), new FirehoseRecordMetadata(keys)), null);
    }

    /// <summary>The shard's parents, theirs and so on, nearest first, as far as the listed shards name them.</summary>
    private static string[] AncestorsOf(string shardId, IReadOnlyDictionary<string, Shard> shards)
    {
        var ancestors = new List<string>();
        var next = new Queue<string>([shardId]);
        while (next.TryDequeue(out var id))
        {
            if (shards.GetValueOrDefault(id) is not { } shard)
            {
                continue;
            }

            foreach (var parent in new[] { shard.ParentShardId, shard.AdjacentParentShardId }.OfType<string>().Where(p => !ancestors.Contains(p)))
            {
                ancestors.Add(parent);
                next.Enqueue(parent);
            }
        }

        return [.. ancestors];
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
