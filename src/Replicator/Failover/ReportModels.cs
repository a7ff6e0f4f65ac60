namespace Replicator.Failover;

/// <param name="DnsMoved">Whether the producers' DNS now sends them to the target: false when a forced failover could not change it (the Route 53 control plane down).</param>
/// <param name="Consumers">The consumers the failover moved (issue 17), with the error when one could not be; null from a machine without the step.</param>
public sealed record ReportRequest(string StreamName, string SourceRegion, string TargetRegion, DateTimeOffset StartedAt, VerifyResult Verify, bool DnsMoved = true, ConsumersMoved? Consumers = null);

/// <param name="RtoSeconds">From the execution's start, which stops ingress within its first steps, to DNS in sync (to the report, when DNS was not moved).</param>
/// <param name="DnsMoved">false: the stream is active in the target but its DNS still sends producers elsewhere; move it by hand or once the control plane answers.</param>
/// <param name="ResumeProducersFrom">The commit time the producers' source re-produces from into the target (<see cref="VerifyResult.ResumeProducersFrom"/>).</param>
/// <param name="ProducersMustResend">
/// Whether anything must be re-produced: a forced failover that left records behind (or could not count
/// them). A planned one drained everything first, and so did a forced one whose drain settled.
/// </param>
public sealed record FailoverReport(
    string Outcome,
    string StreamName,
    string SourceRegion,
    string TargetRegion,
    bool Forced,
    double RtoSeconds,
    long? RpoRecords,
    bool RpoRecordsAtLeast,
    double? RpoSeconds,
    DateTimeOffset? RecoveryPoint,
    DateTimeOffset CompletedAt,
    bool DnsMoved,
    DateTimeOffset ResumeProducersFrom,
    bool ProducersMustResend)
{
    /// <summary>The consumers moved to the target, each with its duplicate bound; and why any was not (docs/consumers.md).</summary>
    public ConsumersMoved? Consumers { get; init; }
}
