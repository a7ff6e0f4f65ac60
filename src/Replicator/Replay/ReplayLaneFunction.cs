using System.Collections.Concurrent;
using System.Text.Json;
using Replicator.Aws;
using Replicator.Lambda;
using Replicator.Relay;
using Replicator.Telemetry;

namespace Replicator.Replay;

/// <summary>
/// One lane of a replay (handler <c>replay-lane</c>, run by the state machine's Map, one iteration per
/// lane): replays from the lane's cursor until the lane is done or the invocation's time runs short,
/// then hands back whether it is done; the state machine invokes it again until it is.
/// </summary>
public sealed class ReplayLaneFunction(ReplaySettings settings, Func<string, LaneReplayer> replayerForRegion, EmbeddedMetrics metrics)
{
    /// <summary>Kept back from the deadline: a chunk's delivery and checkpoint fit well within it.</summary>
    public static readonly TimeSpan ReservedPerChunk = TimeSpan.FromSeconds(30);

    public static LambdaHandler CreateHandler(IReadOnlyDictionary<string, string> environment, TextWriter metricsOutput)
    {
        var settings = ReplaySettings.From(environment);
        var credentials = AwsEnvironment.Credentials(environment);
        var archive = settings.ArchiveReader(credentials);
        var progress = settings.ProgressStore(credentials);
        var replayers = new ConcurrentDictionary<string, LaneReplayer>(StringComparer.Ordinal);
        return new ReplayLaneFunction(
            settings,
            region => replayers.GetOrAdd(region, r => new LaneReplayer(
                archive,
                new RecordDelivery(new KinesisPutRecordsTarget(settings.Kinesis(r, credentials)), PutRecordsLimits.Kinesis, TimeProvider.System, settings.Ordering),
                progress,
                settings.ChunkRecords,
                TimeProvider.System)),
            new EmbeddedMetrics(metricsOutput, TimeProvider.System)).HandleAsync;
    }

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        var request = FunctionInput.Read(payload, ReplayJsonContext.Default.LaneRequest, "replay-lane");
        var plan = request.Plan;
        if (request.Lane < 0 || request.Lane >= plan.Lanes)
        {
            throw new InvalidFunctionInputException($"replay-lane: lane {request.Lane} is not one of the replay's {plan.Lanes} lanes.");
        }

        var chunks = 0;
        bool ShouldPause() => ++chunks >= (settings.MaxChunksPerInvocation ?? int.MaxValue) || context.RemainingTime < ReservedPerChunk;
        var deadline = DateTimeOffset.UtcNow + context.RemainingTime - TimeSpan.FromSeconds(5);
        var result = await replayerForRegion(plan.TargetRegion).RunAsync(plan, request.Lane, ShouldPause, deadline, cancellationToken).ConfigureAwait(false);

        metrics.Write(
            [(MetricDimensions.StreamName, plan.TargetStream), (MetricDimensions.TargetRegion, plan.TargetRegion)],
            [new Metric(MetricNames.ReplayedRecords, Metric.Count, result.Sent)],
            context.AwsRequestId);
        context.Logger.LogInformation(
            $"Replay '{plan.ReplayId}' lane {request.Lane}: {result.Sent} records this invocation, {result.LaneSent} in all; {(result.Done ? "done" : "continuing")}.");
        return JsonSerializer.SerializeToUtf8Bytes(result, ReplayJsonContext.Default.LaneResult);
    }
}
