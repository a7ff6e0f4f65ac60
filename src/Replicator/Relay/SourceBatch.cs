using Replicator.Lambda;

namespace Replicator.Relay;

/// <summary>A Kinesis event checked and turned into the records of one shard of one stream.</summary>
public sealed record SourceBatch(string StreamName, string ShardId, IReadOnlyList<SourceRecord> Records)
{
    /// <exception cref="MalformedEventException">A field the relay needs is missing, naming it and the record.</exception>
    public static SourceBatch From(KinesisEvent kinesisEvent)
    {
        var events = kinesisEvent.Records ?? throw new MalformedEventException("The event has no 'Records' array: it is not a Kinesis event.");
        if (events.Count == 0)
        {
            return new SourceBatch("", "", []);
        }

        string? streamName = null;
        string? shardId = null;
        var records = new List<SourceRecord>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var record = events[i];
            var where = $"Records[{i}]";
            var kinesis = record.Kinesis ?? throw new MalformedEventException($"{where}.kinesis is missing.");
            var sequenceNumber = kinesis.SequenceNumber ?? throw new MalformedEventException($"{where}.kinesis.sequenceNumber is missing.");
            where = $"{where} (sequence number {sequenceNumber})";
            var partitionKey = kinesis.PartitionKey ?? throw new MalformedEventException($"{where}: kinesis.partitionKey is missing.");
            var data = kinesis.Data ?? throw new MalformedEventException($"{where}: kinesis.data is missing.");
            var arn = record.EventSourceArn ?? throw new MalformedEventException($"{where}: eventSourceARN is missing.");
            var eventId = record.EventId ?? throw new MalformedEventException($"{where}: eventID is missing.");

            var recordStream = StreamNameOf(arn, where);
            var recordShard = ShardIdOf(eventId, where);
            streamName ??= recordStream;
            shardId ??= recordShard;
            if (recordStream != streamName || recordShard != shardId)
            {
                throw new MalformedEventException(
                    $"{where} is from {recordStream}/{recordShard} but the batch began with {streamName}/{shardId}; a Kinesis event holds one shard.");
            }

            var arrival = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(kinesis.ApproximateArrivalTimestamp * 1000));
            records.Add(new SourceRecord(i, sequenceNumber, partitionKey, data, arrival));
        }

        return new SourceBatch(streamName!, shardId!, records);
    }

    // arn:aws:kinesis:us-east-1:123456789012:stream/orders
    private static string StreamNameOf(string arn, string where)
    {
        var marker = arn.IndexOf(":stream/", StringComparison.Ordinal);
        if (!arn.StartsWith("arn:", StringComparison.Ordinal) || marker < 0)
        {
            throw new MalformedEventException($"{where}: eventSourceARN '{arn}' is not a Kinesis stream ARN.");
        }

        var name = arn[(marker + ":stream/".Length)..];
        // An enhanced fan-out consumer's ARN is …:stream/NAME/consumer/CONSUMER:TIMESTAMP.
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? name : name[..slash];
    }

    // shardId-000000000000:49590338271490256608559692538361571095921575989136588898
    private static string ShardIdOf(string eventId, string where)
    {
        var colon = eventId.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            ? eventId[..colon]
            : throw new MalformedEventException($"{where}: eventID '{eventId}' is not 'shardId:sequenceNumber'.");
    }
}
