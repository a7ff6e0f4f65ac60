using System.Net;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;
using Replicator.Relay;

namespace Replicator.LocalCloud.Faults;

/// <summary>
/// Injects the faults of a <see cref="FaultPlan"/> into one relay: wrap its handler with
/// <see cref="Wrap"/> and its target stream with <see cref="Decorate"/>. Failed records and throttled
/// requests never reach the target; a crashing invocation's request does land, then the invocation
/// dies, so its records come again on the retry (duplicates) and its checkpoint is not written. A
/// stalling invocation waits, whatever its own deadline says, until the local event source mapping
/// kills its instance at the function's timeout (the token the handler got is cancelled only then).
/// </summary>
public sealed class FaultInjection(FaultPlan plan)
{
    private readonly FaultPlan _plan = plan;
    private readonly Random _random = new(plan.Seed);
    private readonly Lock _gate = new();
    private readonly AsyncLocal<Arm?> _arm = new();
    private long _failedRecords;
    private long _throttledRequests;
    private long _crashes;
    private long _stalls;

    private enum Stall
    {
        None,
        BeforeFirstPut,
        AfterFirstPutLanded,
        AfterReturn,
    }

    public long FailedRecords => Interlocked.Read(ref _failedRecords);

    public long ThrottledRequests => Interlocked.Read(ref _throttledRequests);

    public long Crashes => Interlocked.Read(ref _crashes);

    /// <summary>Invocations that stalled until killed.</summary>
    public long Stalls => Interlocked.Read(ref _stalls);

    /// <summary>Records failed plus requests throttled.</summary>
    public long InjectedFailures => FailedRecords + ThrottledRequests;

    public LambdaHandler Wrap(LambdaHandler handler) => async (payload, context, killed) =>
    {
        // The arm flows with the invocation's async calls into the target, so only this invocation crashes or stalls.
        var arm = new Arm(Roll(_plan.CrashRate), Roll(_plan.StallRate) ? (Stall)(1 + Pick(3)) : Stall.None, killed);
        _arm.Value = arm;
        var response = await handler(payload, context, killed).ConfigureAwait(false);
        if (arm.Stall == Stall.AfterReturn)
        {
            await StallAsync(arm).ConfigureAwait(false);
        }

        return response;
    };

    public IPutRecordsTarget Decorate(IPutRecordsTarget inner) => new Target(this, inner);

    private bool Roll(double probability)
    {
        lock (_gate)
        {
            return _random.NextDouble() < probability;
        }
    }

    private int Pick(int choices)
    {
        lock (_gate)
        {
            return _random.Next(choices);
        }
    }

    private async Task StallAsync(Arm arm)
    {
        Interlocked.Increment(ref _stalls);
        await Task.Delay(Timeout.InfiniteTimeSpan, arm.Killed).ConfigureAwait(false);
    }

    /// <summary>What strikes one invocation: a crash is spent once; a stall never returns (the kill ends it).</summary>
    private sealed class Arm(bool crash, Stall stall, CancellationToken killed)
    {
        public bool Crash { get; set; } = crash;

        public Stall Stall => stall;

        public CancellationToken Killed => killed;
    }

    private sealed class Target(FaultInjection faults, IPutRecordsTarget inner) : IPutRecordsTarget
    {
        public async Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken)
        {
            if (faults.Roll(faults._plan.ThrottleRate))
            {
                Interlocked.Increment(ref faults._throttledRequests);
                throw new ProvisionedThroughputExceededException("kinesis", "Rate exceeded for stream (injected)", HttpStatusCode.BadRequest);
            }

            var arm = faults._arm.Value;
            if (arm?.Stall == Stall.BeforeFirstPut)
            {
                await faults.StallAsync(arm).ConfigureAwait(false);
            }

            var failing = request.Records.Select(_ => faults.Roll(faults._plan.RecordFailureRate)).ToArray();
            var forwarded = request.Records.Where((_, i) => !failing[i]).ToArray();
            var response = forwarded.Length == 0
                ? new PutRecordsResponse(0, [])
                : await inner.PutRecordsAsync(request with { Records = forwarded }, cancellationToken).ConfigureAwait(false);

            if (arm?.Stall == Stall.AfterFirstPutLanded && response.Records.Any(r => r.Succeeded))
            {
                await faults.StallAsync(arm).ConfigureAwait(false);
            }

            if (arm is { Crash: true } && response.Records.Any(r => r.Succeeded))
            {
                arm.Crash = false;
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
