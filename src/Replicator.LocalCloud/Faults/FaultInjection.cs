using System.Net;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;
using Replicator.Relay;

namespace Replicator.LocalCloud.Faults;

/// <summary>
/// Injects the faults of a <see cref="FaultPlan"/> into one relay: wrap its handler with
/// <see cref="Wrap"/> and its target stream with <see cref="Decorate"/>. Failed records and throttled
/// requests never reach the target; a crashing invocation's request does land, then the invocation
/// dies, so its records come again on the retry (duplicates) and its checkpoint is not written.
/// </summary>
public sealed class FaultInjection(FaultPlan plan)
{
    private readonly FaultPlan _plan = plan;
    private readonly Random _random = new(plan.Seed);
    private readonly Lock _gate = new();
    private readonly AsyncLocal<CrashArm?> _crashArm = new();
    private long _failedRecords;
    private long _throttledRequests;
    private long _crashes;

    public long FailedRecords => Interlocked.Read(ref _failedRecords);

    public long ThrottledRequests => Interlocked.Read(ref _throttledRequests);

    public long Crashes => Interlocked.Read(ref _crashes);

    /// <summary>Records failed plus requests throttled.</summary>
    public long InjectedFailures => FailedRecords + ThrottledRequests;

    public LambdaHandler Wrap(LambdaHandler handler) => (payload, context, cancellationToken) =>
    {
        // The arm flows with the invocation's async calls into the target, so only this invocation crashes.
        _crashArm.Value = Roll(_plan.CrashRate) ? new CrashArm() : null;
        return handler(payload, context, cancellationToken);
    };

    public IPutRecordsTarget Decorate(IPutRecordsTarget inner) => new Target(this, inner);

    private bool Roll(double probability)
    {
        lock (_gate)
        {
            return _random.NextDouble() < probability;
        }
    }

    private sealed class CrashArm;

    private sealed class Target(FaultInjection faults, IPutRecordsTarget inner) : IPutRecordsTarget
    {
        public async Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken)
        {
            if (faults.Roll(faults._plan.ThrottleRate))
            {
                Interlocked.Increment(ref faults._throttledRequests);
                throw new ProvisionedThroughputExceededException("kinesis", "Rate exceeded for stream (injected)", HttpStatusCode.BadRequest);
            }

            var failing = request.Records.Select(_ => faults.Roll(faults._plan.RecordFailureRate)).ToArray();
            var forwarded = request.Records.Where((_, i) => !failing[i]).ToArray();
            var response = forwarded.Length == 0
                ? new PutRecordsResponse(0, [])
                : await inner.PutRecordsAsync(request with { Records = forwarded }, cancellationToken).ConfigureAwait(false);

            if (faults._crashArm.Value is not null && response.Records.Any(r => r.Succeeded))
            {
                faults._crashArm.Value = null;
                Interlocked.Increment(ref faults._crashes);
                throw new InjectedCrashException("Injected crash: the invocation died after its PutRecords landed, before it checkpointed or returned.");
            }

            Interlocked.Add(ref faults._failedRecords, failing.Count(f => f));
            var results = new List<PutRecordsResultEntry>(request.Records.Count);
            var next = 0;
            foreach (var failed in failing)
            {
                results.Add(failed
                    ? new PutRecordsResultEntry(null, null, "InternalFailure", "Injected record failure")
                    : response.Records[next++]);
            }

            return new PutRecordsResponse(results.Count(r => !r.Succeeded), results);
        }
    }
}
