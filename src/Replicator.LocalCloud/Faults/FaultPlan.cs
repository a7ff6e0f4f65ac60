namespace Replicator.LocalCloud.Faults;

/// <summary>How often the local cloud's fault injection strikes the relay's writes into the target region.</summary>
/// <param name="RecordFailureRate">Share of records a PutRecords response reports as failed (they do not land).</param>
/// <param name="ThrottleRate">Share of PutRecords requests rejected whole with ProvisionedThroughputExceededException.</param>
/// <param name="CrashRate">Share of invocations killed right after one of their PutRecords calls landed, before they checkpoint or return.</param>
public sealed record FaultPlan(double RecordFailureRate, double ThrottleRate, double CrashRate, int Seed = 7)
{
    /// <summary>The chaos drill's faults: 10 % of records, 5 % of requests, 1 % of invocations.</summary>
    public static FaultPlan Chaos { get; } = new(0.10, 0.05, 0.01);
}
