using System.Text.Json;
using Replicator.Aws;
using Replicator.Lambda;
using Replicator.Telemetry;

namespace Replicator.Replay;

/// <summary>
/// The replay's last step (handler <c>replay-report</c>): totals the lanes from the progress table,
/// which counts every run of the replay, not only this execution's, and writes the bound on
/// duplicates as a metric.
/// </summary>
public sealed class ReplayReportFunction(ReplayProgressStore progress, EmbeddedMetrics metrics)
{
    public static LambdaHandler CreateHandler(IReadOnlyDictionary<string, string> environment, TextWriter metricsOutput)
    {
        var settings = ReplaySettings.From(environment);
        return new ReplayReportFunction(settings.ProgressStore(AwsEnvironment.Credentials(environment)), new EmbeddedMetrics(metricsOutput, TimeProvider.System)).HandleAsync;
    }

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        var plan = FunctionInput.Read(payload, ReplayJsonContext.Default.ReportRequest, "replay-report").Plan;
        var lanes = await progress.ReadAllAsync(plan.ReplayId, plan.Lanes, cancellationToken).ConfigureAwait(false);
        if (lanes.Select((lane, i) => (lane, i)).FirstOrDefault(l => !l.lane.Done) is { lane: not null } unfinished)
        {
            throw new InvalidOperationException($"Replay '{plan.ReplayId}': lane {unfinished.i} is not done (cursor {unfinished.lane.Cursor}); the report runs after every lane finished.");
        }

        var report = new ReplayReport(plan, lanes.Sum(l => l.Sent), lanes.Sum(l => l.MaxDuplicates), lanes.Select(l => l.Sent).ToList());
        metrics.Write(
            [(MetricDimensions.StreamName, plan.TargetStream), (MetricDimensions.TargetRegion, plan.TargetRegion)],
            [new Metric(MetricNames.ReplayMaxDuplicates, Metric.Count, report.MaxDuplicates)],
            context.AwsRequestId);
        context.Logger.LogInformation($"Replay '{plan.ReplayId}' complete: {report.Replayed} records replayed, at most {report.MaxDuplicates} of them twice.");
        return JsonSerializer.SerializeToUtf8Bytes(report, ReplayJsonContext.Default.ReplayReport);
    }
}
