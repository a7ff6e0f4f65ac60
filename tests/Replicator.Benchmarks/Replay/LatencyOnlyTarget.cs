using System.Collections.Concurrent;
using Replicator.Aws.Kinesis;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;

namespace Replicator.Benchmarks.Replay;

/// <summary>
/// A target region that only costs a round trip: every PutRecords succeeds after it, and the records are
/// kept in the order their requests were answered. Without an emulator in the way, what a run measures is
/// how well the replay hides the round trip, and the order it delivered in can still be checked.
/// </summary>
public sealed class LatencyOnlyTarget(TimeSpan roundTrip) : IPutRecordsTarget
{
    private readonly ConcurrentQueue<CdcRecord> _arrived = new();
    private long _sequence;

    public IReadOnlyCollection<CdcRecord> Arrived => _arrived;

    public async Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken)
    {
        await Task.Delay(roundTrip, cancellationToken).ConfigureAwait(false);
        var results = new List<PutRecordsResultEntry>(request.Records.Count);
        foreach (var record in request.Records)
        {
            _arrived.Enqueue(CdcRecord.Parse(record.Data.ToArray()));
            results.Add(new PutRecordsResultEntry(Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture), "shardId-000000000000", null, null));
        }

        return new PutRecordsResponse(0, results);
    }
}
