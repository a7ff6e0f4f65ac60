using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Replicator.Archive;
using Replicator.Lambda;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.EventSourceMapping;
using Replicator.Relay;

namespace Replicator.LocalCloud.Archive;

/// <summary>
/// A local stand-in for the archive's Firehose delivery stream (the local cloud has no Firehose): it
/// reads the stream, hands each batch to the same transformation handler as a Firehose Kinesis-source
/// transformation event, and writes what comes back into the region's S3 (s3rver), GZIP, one object
/// per dynamic partition per batch, under the prefixes template.yaml gives the real one. Records the
/// handler returns ProcessingFailed go under the error prefix with their original data. A batch is
/// acknowledged only once its objects are written, so, like Firehose, delivery is at least once.
/// Like Firehose's dynamic partitioning it holds at most <paramref name="activePartitionQuota"/> active
/// partitions (Firehose developer guide, "Buffer data for dynamic partitioning": a partition is active
/// from its first record until its buffer is delivered, here the delivery stream's 60-second interval;
/// past the quota, 500 by default and at most 5,000, "the rest of the records" go to the error prefix
/// as <c>activePartitionExceeded</c>). It writes each batch at once, but counts a partition active for
/// the whole interval, as Firehose's buffer would keep it.
/// </summary>
public sealed class LocalFirehose(
    TwoRegionCloud cloud, string region, string streamName, string bucket, LambdaHandler transform, TextWriter functionLog, int activePartitionQuota = LocalFirehose.DefaultActivePartitionQuota)
{
    public const string DeliveryStreamName = "kinesis-replicator-archive";

    public const int DefaultActivePartitionQuota = 500;

    /// <summary>template.yaml's BufferingHints IntervalInSeconds.</summary>
    public static readonly TimeSpan BufferInterval = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, DateTime> _activeUntil = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _partitionExceeded;

    /// <summary>Records sent to the error prefix because the active partitions were at the quota.</summary>
    public long ActivePartitionExceededRecords => Interlocked.Read(ref _partitionExceeded);

    /// <summary>The object key prefix for a record's partition keys, as the delivery stream's Prefix expression makes it.</summary>
    public static string PrefixFor(IReadOnlyDictionary<string, string> keys) =>
        $"archive/stream={keys["stream"]}/hour={keys["hour"]}/" + (keys.TryGetValue("tenant", out var tenant) ? $"tenant={tenant}/" : "") + $"bucket={keys["bucket"]}/";

    public const string ErrorPrefix = "archive-errors/processing-failed/";

    public const string ActivePartitionExceededPrefix = "archive-errors/activePartitionExceeded/";

    public LocalEventSourceMapping Create(int batchSize = 500) => new(
        cloud.CreateKinesisClient(region),
        streamName,
        () => FunctionInstance.OverSharedClients(DeliverAsync),
        (requestId, timeout) => LocalLambdaContext.Create(region, DeliveryStreamName, requestId, timeout, functionLog),
        new EventSourceMappingOptions { BatchSize = batchSize, FunctionName = DeliveryStreamName });

    /// <summary>Runs the delivery stream until <paramref name="records"/> records are archived, or the timeout passes, then stops it.</summary>
    /// <returns>How many records were archived.</returns>
    public async Task<long> ArchiveAsync(long records, TimeSpan timeout, CancellationToken cancellationToken, int batchSize = 100)
    {
        var mapping = Create(batchSize);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = mapping.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow + timeout;
        while (mapping.RecordsAcknowledged < records && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await running.ConfigureAwait(false);
        return mapping.RecordsAcknowledged;
    }

    private async Task<byte[]> DeliverAsync(ReadOnlyMemory<byte> kinesisEvent, ILambdaContext context, CancellationToken cancellationToken)
    {
        var batch = SourceBatch.Read(kinesisEvent);
        if (batch.Records.Count == 0)
        {
            return JsonSerializer.SerializeToUtf8Bytes(StreamsEventResponse.Success, LambdaEventsJsonContext.Default.StreamsEventResponse);
        }

        var transformation = new FirehoseTransformationEvent(
            context.AwsRequestId,
            $"arn:aws:firehose:{region}:000000000000:deliverystream/{DeliveryStreamName}",
            $"arn:aws:kinesis:{region}:000000000000:stream/{batch.StreamName}",
            region,
            batch.Records.Select(r => new FirehoseRecord(
                r.SequenceNumber,
                r.ArrivalTime.ToUnixTimeMilliseconds(),
                r.Data,
                new KinesisRecordMetadata(r.SequenceNumber, 0, r.PartitionKey, batch.ShardId, r.ArrivalTime.ToUnixTimeMilliseconds()))).ToList());
        var response = JsonSerializer.Deserialize(
            await transform(JsonSerializer.SerializeToUtf8Bytes(transformation, ArchiveJsonContext.Default.FirehoseTransformationEvent), context, cancellationToken).ConfigureAwait(false),
            ArchiveJsonContext.Default.FirehoseTransformationResponse)!;

        using var s3 = cloud.CreateS3Client(region);
        var written = DateTime.UtcNow;
        var exceeded = new List<FirehoseRecordResult>();
        foreach (var group in response.Records.Where(r => r.Result == FirehoseRecordResult.Ok).GroupBy(r => PrefixFor(r.Metadata!.PartitionKeys)))
        {
            if (!Activate(group.Key, written))
            {
                exceeded.AddRange(group);
                continue;
            }

            await PutGzipAsync(s3, bucket, group.Key + ObjectName(written), group.Select(r => r.Data.ToArray()), cancellationToken).ConfigureAwait(false);
        }

        if (exceeded.Count > 0)
        {
            Interlocked.Add(ref _partitionExceeded, exceeded.Count);
            await PutErrorsAsync(s3, ActivePartitionExceededPrefix, "activePartitionExceeded", exceeded, written, cancellationToken).ConfigureAwait(false);
        }

        var failed = response.Records.Where(r => r.Result != FirehoseRecordResult.Ok).ToList();
        if (failed.Count > 0)
        {
            await PutErrorsAsync(s3, ErrorPrefix, "Lambda.ProcessingFailed", failed, written, cancellationToken).ConfigureAwait(false);
        }

        return JsonSerializer.SerializeToUtf8Bytes(StreamsEventResponse.Success, LambdaEventsJsonContext.Default.StreamsEventResponse);
    }

    /// <summary>Firehose's error records: the data it could not deliver where it belongs, with why, under the error prefix for that reason.</summary>
    private Task PutErrorsAsync(IAmazonS3 s3, string prefix, string errorCode, IEnumerable<FirehoseRecordResult> records, DateTime written, CancellationToken cancellationToken) =>
        PutGzipAsync(
            s3,
            bucket,
            prefix + written.ToString("yyyy/MM/dd/HH/", CultureInfo.InvariantCulture) + ObjectName(written),
            records.Select(r => Encoding.UTF8.GetBytes($"{{\"recordId\":\"{r.RecordId}\",\"errorCode\":\"{errorCode}\",\"rawData\":\"{Encoding.UTF8.GetString(r.Data.Base64.Span)}\"}}\n")),
            cancellationToken);

    /// <summary>Whether the partition is active, or could become so under the quota (then it is, for one buffer interval).</summary>
    private bool Activate(string prefix, DateTime now)
    {
        lock (_gate)
        {
            foreach (var delivered in _activeUntil.Where(p => p.Value <= now).Select(p => p.Key).ToList())
            {
                _activeUntil.Remove(delivered);
            }

            if (_activeUntil.ContainsKey(prefix))
            {
                return true;
            }

            if (_activeUntil.Count >= activePartitionQuota)
            {
                return false;
            }

            _activeUntil[prefix] = now + BufferInterval;
            return true;
        }
    }

    /// <summary>One object as Firehose delivers it: the lines, GZIP-compressed.</summary>
    public static async Task PutGzipAsync(IAmazonS3 s3, string bucket, string key, IEnumerable<byte[]> lines, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await using (var gzip = new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true))
        {
            foreach (var line in lines)
            {
                await gzip.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            }
        }

        body.Position = 0;
        // s3rver stores a streaming-signed (aws-chunked) body as sent, chunk signatures included: sign it whole.
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = body, ContentType = "application/gzip", UseChunkEncoding = false }, cancellationToken).ConfigureAwait(false);
    }

    private static string ObjectName(DateTime written) =>
        $"{DeliveryStreamName}-1-{written:yyyy-MM-dd-HH-mm-ss}-{Guid.NewGuid()}.gz";
}
