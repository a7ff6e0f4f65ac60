using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

/// <summary>
/// Every stream takes records up to 1 MiB; larger ones (up to 10 MiB) only a stream whose
/// <c>MaxRecordSizeInKiB</c> allows them. A record above 1 MiB in a batch proves the source allows it,
/// so only then is the target's own maximum read (DescribeStreamSummary, once while it holds), and a
/// record the target would refuse stops delivery with an error that names both settings, instead of a
/// request Kinesis rejects whole. Nothing is skipped: the batch is retried until the target is raised.
/// </summary>
/// <param name="targetMaxKiB">The target stream's MaxRecordSizeInKiB, or null where it reports none (1024).</param>
public sealed class TargetRecordSize(Func<CancellationToken, Task<int?>> targetMaxKiB, string targetStream, string targetRegion)
{
    public const int DefaultMaxKiB = 1024;

    private int? _targetMaxKiB;

    public async Task EnsureTargetTakesAsync(PutRecordsRequest request, CancellationToken cancellationToken)
    {
        var largest = request.Records.Max(r => r.Bytes);
        if (largest <= DefaultMaxKiB * 1024)
        {
            return;
        }

        var maxKiB = _targetMaxKiB ??= await targetMaxKiB(cancellationToken).ConfigureAwait(false) ?? DefaultMaxKiB;
        if (largest > maxKiB * 1024)
        {
            // Read it again next time: the operator may raise it while the batch is retried.
            _targetMaxKiB = null;
            throw new RelayTargetException(
                $"A record of {Math.Ceiling(largest / 1024.0):0} KiB (partition key and data) is larger than target stream '{targetStream}' in {targetRegion} takes: " +
                $"its MaxRecordSizeInKiB is {maxKiB}, below the source stream's. Raise the target's MaxRecordSizeInKiB to at least the source's " +
                $"(UpdateMaxRecordSize, or the InputStreamMaxRecordSizeInKiB parameter of the stack in {targetRegion}); the batch is retried until then, nothing is skipped.");
        }
    }
}
