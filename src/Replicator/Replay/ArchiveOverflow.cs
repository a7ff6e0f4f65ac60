using System.Globalization;
using System.Text.Json;
using Replicator.Archive;
using Replicator.Aws.Kinesis;
using Replicator.Aws.S3;

namespace Replicator.Replay;

/// <summary>
/// The records Firehose sent to the error prefix instead of their partition because the delivery
/// stream's active partitions were at the quota (<c>activePartitionExceeded</c>): a catch-up whose
/// commits span many hours makes 16 partitions per hour at once. They are archived, only not under
/// their hour: the error prefix is ordered by delivery time (<c>yyyy/MM/dd/HH</c>), and each line holds
/// the transformed record, the archive envelope, base64 in <c>rawData</c>. The bucket is one stack's,
/// fed by one delivery stream, so every record here is that stream's.
/// </summary>
public sealed class ArchiveOverflow(S3Reader s3, string bucket, TimeProvider time)
{
    public const string Prefix = "archive-errors/activePartitionExceeded/";

    /// <summary>
    /// A record reaches Firehose after its arrival in the stream, whose commit timestamp is clamped to at
    /// most a little past its arrival (<see cref="Relay.CommitTimestamps"/>); an hour before covers that.
    /// </summary>
    private static readonly TimeSpan DeliveredBeforeEventAllowance = TimeSpan.FromHours(1);

    /// <summary>Every overflowed record delivered from an hour before <paramref name="since"/> until now: one LIST per day, a GET per object (there are none while under the quota).</summary>
    public async Task<IReadOnlyList<ArchiveEnvelope>> ReadAsync(DateTimeOffset since, Func<string, CancellationToken, Task<byte[]>> get, CancellationToken cancellationToken)
    {
        var records = new List<ArchiveEnvelope>();
        foreach (var item in await ListAsync(since, cancellationToken).ConfigureAwait(false))
        {
            var lineNumber = 0;
            foreach (var line in ArchiveObject.Lines(await get(item.Key, cancellationToken).ConfigureAwait(false)))
            {
                lineNumber++;
                records.Add(Envelope(line.Span, $"s3://{bucket}/{item.Key}, line {lineNumber}"));
            }
        }

        return records;
    }

    /// <summary>The objects <see cref="ReadAsync"/> reads.</summary>
    public async Task<IReadOnlyList<S3ObjectSummary>> ListAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var objects = new List<S3ObjectSummary>();
        var today = time.GetUtcNow().UtcDateTime.Date;
        for (var day = (since - DeliveredBeforeEventAllowance).UtcDateTime.Date; day <= today; day = day.AddDays(1))
        {
            objects.AddRange(await s3.ListAsync(bucket, Prefix + day.ToString("yyyy/MM/dd/", CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false));
        }

        return objects;
    }

    private static ArchiveEnvelope Envelope(ReadOnlySpan<byte> errorLine, string where)
    {
        try
        {
            using var error = JsonDocument.Parse(errorLine.ToArray());
            if (!error.RootElement.TryGetProperty("rawData", out var rawData) || rawData.GetString() is not { } base64)
            {
                throw new JsonException("it has no rawData");
            }

            var envelope = new Base64Data(System.Text.Encoding.UTF8.GetBytes(base64)).ToArray();
            return ArchiveEnvelope.Parse(envelope.AsSpan().TrimEnd((byte)'\n'));
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new InvalidDataException($"The overflowed archive record at {where} cannot be replayed: {e.Message}", e);
        }
    }
}
