using System.Text.Json;
using Replicator.Lambda;
using Replicator.Telemetry;

namespace Replicator.Failover;

/// <summary>
/// The failover's last step (handler <c>failover-report</c>): computes RTO and RPO, the figures the
/// operators are told and the dashboard shows, and writes them as EMF metrics; and tells the producers'
/// owners whether and from when to re-produce (the report goes to the management topic).
/// </summary>
public sealed class ReportFunction(EmbeddedMetrics metrics, TimeProvider time)
{
    public const string FailedOver = "failed-over";

    public static LambdaHandler CreateHandler(TextWriter metricsOutput) =>
        new ReportFunction(new EmbeddedMetrics(metricsOutput, TimeProvider.System), TimeProvider.System).HandleAsync;

    public Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        var request = FunctionInput.Read(payload, FailoverJsonContext.Default.ReportRequest, "failover-report");
        var now = time.GetUtcNow();
        var verify = request.Verify;
        var report = new FailoverReport(
            FailedOver,
            request.StreamName,
            request.SourceRegion,
            request.TargetRegion,
            verify.Forced,
            Math.Round((now - request.StartedAt).TotalSeconds, 3),
            verify.RpoRecords,
            verify.RpoRecordsAtLeast,
            verify.RpoSeconds,
            verify.RecoveryPoint,
            now,
            request.DnsMoved,
            verify.ResumeProducersFrom,
            verify.Forced && verify.RpoRecords != 0)
        {
            Consumers = request.Consumers,
        };
        var figures = new List<Metric>
        {
            new(MetricNames.Failovers, Metric.Count, 1),
            new(MetricNames.FailoverRtoSeconds, Metric.Seconds, report.RtoSeconds),
        };
        if (report.RpoRecords is { } records)
        {
            figures.Add(new Metric(MetricNames.FailoverRpoRecords, Metric.Count, records));
        }

        metrics.Write([(MetricDimensions.StreamName, request.StreamName)], figures, context.AwsRequestId);
        return Task.FromResult(JsonSerializer.SerializeToUtf8Bytes(report, FailoverJsonContext.Default.FailoverReport));
    }
}
