using System.Text.Json;
using Replicator.Lambda;

namespace Replicator.LocalCloud.EventSourceMapping;

/// <summary>
/// The Kinesis event one invocation carries, cut to Lambda's payload limit: the mapping stops gathering
/// a batch when it "reaches the payload limit of 6 MB" (Lambda developer guide, "Polling and batching
/// streams"), read as <see cref="InvocationPayload.MaxBytes"/>. Base64 makes a record's event a third
/// larger than its data, so a batch of large records holds far fewer than BatchSize.
/// </summary>
public static class InvocationEvent
{
    private static readonly byte[] Empty = JsonSerializer.SerializeToUtf8Bytes(new KinesisEvent([]), LambdaEventsJsonContext.Default.KinesisEvent);

    // The event is the empty one with its records, comma-separated, between the brackets.
    private static readonly int Open = Array.LastIndexOf(Empty, (byte)'[') + 1;

    /// <summary>
    /// The event of the leading records that fit <paramref name="maxBytes"/>, and how many that is. The
    /// first record always goes, even alone over the limit, or the shard would never move past it.
    /// </summary>
    public static (byte[] Payload, int Records) Build(IReadOnlyList<KinesisEventRecord> records, int maxBytes = InvocationPayload.MaxBytes)
    {
        var parts = new List<byte[]>(records.Count);
        var size = Empty.Length;
        foreach (var record in records)
        {
            var part = JsonSerializer.SerializeToUtf8Bytes(record, LambdaEventsJsonContext.Default.KinesisEventRecord);
            var grown = size + part.Length + (parts.Count > 0 ? 1 : 0);
            if (parts.Count > 0 && grown > maxBytes)
            {
                break;
            }

            parts.Add(part);
            size = grown;
        }

        var payload = new byte[size];
        Empty.AsSpan(0, Open).CopyTo(payload);
        var at = Open;
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0)
            {
                payload[at++] = (byte)',';
            }

            parts[i].CopyTo(payload, at);
            at += parts[i].Length;
        }

        Empty.AsSpan(Open).CopyTo(payload.AsSpan(at));
        return (payload, parts.Count);
    }
}
