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
/// </summary>
public sealed class LocalFirehose(TwoRegionCloud cloud, string region, string streamName, string bucket, LambdaHandler transform, TextWriter functionLog)
{
    public const string DeliveryStreamName = "kinesis-replicator-archive";

    /// <summary>The object key prefix for a record's partition keys, as the delivery stream's Prefix expression makes it.</summary>
    public static string PrefixFor(IReadOnlyDictionary<string, string> keys) =>
        $"archive/stream={keys["stream"]}/hour={keys["hour"]}/" + (keys.TryGetValue("tenant", out var tenant) ? $"tenant={tenant}/" : "") + $"bucket={keys["bucket"]}/";

    public const string ErrorPrefix = "archive-errors/processing-failed/";

    public LocalEventSourceMapping Create(int batchSize = 500) => new(
        cloud.CreateKinesisClient(region),
        streamName,
        DeliverAsync,
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
        foreach (var group in response.Records.Where(r => r.Result == FirehoseRecordResult.Ok).GroupBy(r => PrefixFor(r.Metadata!.PartitionKeys)))
        {
            await PutGzipAsync(s3, group.Key + ObjectName(written), group.Select(r => r.Data.ToArray()), cancellationToken).ConfigureAwait(false);
        }

        var failed = response.Records.Where(r => r.Result != FirehoseRecordResult.Ok).ToList();
        if (failed.Count > 0)
        {
            // Firehose's error records: the original data, with why it was not delivered.
            var lines = failed.Select(r => Encoding.UTF8.GetBytes(
                $"{{\"recordId\":\"{r.RecordId}\",\"errorCode\":\"Lambda.ProcessingFailed\",\"rawData\":\"{Encoding.UTF8.GetString(r.Data.Base64.Span)}\"}}\n"));
            await PutGzipAsync(s3, ErrorPrefix + written.ToString("yyyy/MM/dd/HH/", CultureInfo.InvariantCulture) + ObjectName(written), lines, cancellationToken).ConfigureAwait(false);
        }

        return JsonSerializer.SerializeToUtf8Bytes(StreamsEventResponse.Success, LambdaEventsJsonContext.Default.StreamsEventResponse);
    }

    private async Task PutGzipAsync(IAmazonS3 s3, string key, IEnumerable<byte[]> lines, CancellationToken cancellationToken)
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
