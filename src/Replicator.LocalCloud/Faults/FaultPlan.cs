namespace Replicator.LocalCloud.Faults;

/// <summary>How often the local cloud's fault injection strikes the relay's writes into the target region.</summary>
/// <param name="RecordFailureRate">Share of records a PutRecords response reports as failed (they do not land).</param>
/// <param name="ThrottleRate">Share of PutRecords requests rejected whole with ProvisionedThroughputExceededException.</param>
/// <param name="CrashRate">Share of invocations killed right after one of their PutRecords calls landed, before they checkpoint or return.</param>
/// <param name="StallRate">
/// Share of invocations that stall (a frozen process: no progress, no token honoured) until the
/// function's timeout kills them: before their first PutRecords is sent, after it landed, or after
/// the handler returned and before Lambda has the response.
/// </param>
public sealed record FaultPlan(double RecordFailureRate, double ThrottleRate, double CrashRate, double StallRate = 0, int Seed = 7)
{
    /// <summary>The chaos drill's faults: 10 % of records, 5 % of requests, 1 % of invocations crash, 1 % stall to their timeout.</summary>
    public static FaultPlan Chaos { get; } = new(0.10, 0.05, 0.01, 0.01);
}
