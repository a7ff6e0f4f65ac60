using Replicator.Aws.Kinesis;
using Replicator.Relay;

namespace Replicator.Benchmarks.RelayThroughput;

/// <summary>
/// Counts the PutRecords calls into the target region and adds a simulated cross-region round trip
/// to each: on loopback the emulator answers in microseconds, a real target region in tens of milliseconds.
/// </summary>
public sealed class CountingRoundTrip(IPutRecordsTarget inner, TimeSpan roundTrip) : IPutRecordsTarget
{
    private long _calls;

    public long Calls => Interlocked.Read(ref _calls);

    public async Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (roundTrip > TimeSpan.Zero)
        {
            await Task.Delay(roundTrip, cancellationToken).ConfigureAwait(false);
        }

        return await inner.PutRecordsAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
