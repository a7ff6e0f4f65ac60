namespace Replicator.Failover;

public sealed record ReportRequest(string StreamName, string SourceRegion, string TargetRegion, DateTimeOffset StartedAt, VerifyResult Verify);

/// <param name="RtoSeconds">From the execution's start, which stops ingress within its first steps, to DNS in sync.</param>
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
    DateTimeOffset CompletedAt);
