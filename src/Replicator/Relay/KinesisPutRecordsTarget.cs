using System.Collections.Concurrent;
using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

/// <summary>The target region's Kinesis; a request holding a record above 1 MiB is first checked against the target stream's maximum.</summary>
public sealed class KinesisPutRecordsTarget(KinesisClient client) : IPutRecordsTarget
{
    private readonly ConcurrentDictionary<string, TargetRecordSize> _recordSizes = new(StringComparer.Ordinal);

    public async Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken)
    {
        var recordSize = _recordSizes.GetOrAdd(request.StreamName, stream => new TargetRecordSize(
            async ct => (await client.DescribeStreamSummaryAsync(stream, ct).ConfigureAwait(false)).MaxRecordSizeInKiB,
            stream,
            client.Region));
        await recordSize.EnsureTargetTakesAsync(request, cancellationToken).ConfigureAwait(false);
        return await client.PutRecordsAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
