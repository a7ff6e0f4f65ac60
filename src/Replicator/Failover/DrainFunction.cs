using System.Text.Json;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;
using Replicator.Monitoring;
using Replicator.Relay;

namespace Replicator.Failover;

/// <summary>
/// One poll of a failover's drain (handler <c>failover-drain</c>): measures, from the source stream's
/// shard tails, what the relay has not yet replicated to the target. A source that cannot be read is
/// reported, not thrown, so a forced failover can wait out its timeout and still know the last
/// measurement, which, once ingress is stopped, is exactly what it will lose. Every region the source
/// feeds is drained, not only the target: once the target is active the source's relays are gated
/// off, so what a third region had not yet received from the source would never reach it.
/// </summary>
/// <param name="fedBy">The regions a source feeds, given the source and the failover's target (<see cref="FailoverSettings.FedBy"/>).</param>
public sealed class DrainFunction(CheckpointStore checkpoints, Func<string, KinesisClient> kinesisFor, TimeProvider time, Func<string, string, IReadOnlyList<string>> fedBy)
{
    /// <summary>A source that answers nothing within this is unreachable for this poll.</summary>
    public static readonly TimeSpan MeasurementTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between polls: a drain that has run for five minutes is polled twice a minute.</summary>
    public const int MaxPollAfterSeconds = 30;

    /// <summary>
    /// How long the machine waits before the next poll: a tenth of the time the failover has run, from
    /// 1 s to <see cref="MaxPollAfterSeconds"/>. A drain usually settles in seconds and is polled every
    /// second then; a long one is polled less often, so its history stays far inside Step Functions'
    /// 25,000 events (about 170 polls in an hour, against 3,600 at one a second).
    /// </summary>
    public static int PollAfterSeconds(TimeSpan sinceStart) => (int)Math.Clamp(Math.Ceiling(sinceStart.TotalSeconds / 10), 1, MaxPollAfterSeconds);

    public static LambdaHandler CreateHandler(IReadOnlyDictionary<string, string> environment) => Create(environment).HandleAsync;

    public static DrainFunction Create(IReadOnlyDictionary<string, string> environment)
    {
        var settings = FailoverSettings.From(environment);
        var credentials = AwsEnvironment.Credentials(environment);
        return new DrainFunction(
            new CheckpointStore(DynamoDbClients.Create(settings.Region, credentials, settings.DynamoDbEndpoint), settings.CheckpointTable, TimeProvider.System),
            settings.KinesisClients(credentials),
            TimeProvider.System,
            settings.FedBy);
    }

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        var request = FunctionInput.Read(payload, FailoverJsonContext.Default.DrainRequest, "failover-drain");
        var status = await PollAsync(request, cancellationToken).ConfigureAwait(false);
        context.Logger.LogInformation(
            $"Drain of {request.StreamName} {request.SourceRegion}→{request.TargetRegion}: drained {status.Drained}, settled {status.Settled}, timed out {status.TimedOut}, " +
            $"records behind {status.Measurement?.RecordsBehind.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}{(status.Error is null ? "" : "; source unreachable: " + status.Error)}");
        return JsonSerializer.SerializeToUtf8Bytes(status, FailoverJsonContext.Default.DrainStatus);
    }

    public async Task<DrainStatus> PollAsync(DrainRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        DrainMeasurement? measurement;
        List<TargetDrain>? others = null;
        string? error = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(MeasurementTimeout);
            var meter = new LagMeter(kinesisFor(request.SourceRegion), request.SourceRegion, checkpoints, time);
            var lag = await meter.MeasureAsync(request.StreamName, request.TargetRegion, request.SourceRegion, timeout.Token).ConfigureAwait(false);
            measurement = new DrainMeasurement(
                now,
                lag.RecordsBehind,
                lag.AtLeast,
                lag.SecondsBehind,
                lag.Shards.Select(s => new ShardDrain(s.ShardId, s.Checkpoint?.SequenceNumber, s.RecordsBehind)).ToList(),
                lag.Watermark);
            others = [];
            foreach (var other in fedBy(request.SourceRegion, request.TargetRegion).Skip(1))
            {
                var behind = await meter.MeasureAsync(request.StreamName, other, request.SourceRegion, timeout.Token).ConfigureAwait(false);
                others.Add(new TargetDrain(other, behind.RecordsBehind, behind.AtLeast));
            }
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            measurement = request.Previous?.Measurement;
            others = request.Previous?.OtherTargets?.ToList();
            error = $"{e.GetType().Name}: {e.Message}";
        }

        var drained = error is null && measurement!.RecordsBehind == 0 && others!.All(o => o.RecordsBehind == 0);
        var drainedSince = drained ? request.Previous?.DrainedSince ?? now : (DateTimeOffset?)null;
        var settled = drained && now - drainedSince >= TimeSpan.FromSeconds(request.SettleSeconds);
        var timedOut = !settled && now - request.StartedAt >= TimeSpan.FromSeconds(request.DrainTimeoutSeconds);
        return new DrainStatus(drained, settled, timedOut, error is null, drainedSince, measurement, error, PollAfterSeconds(now - request.StartedAt)) { OtherTargets = others };
    }

    /// <summary>The source region does not answer (connection refused, timeout, 5xx): expected in a regional outage.</summary>
    private static bool IsUnreachable(Exception e, CancellationToken invocation) => e switch
    {
        HttpRequestException => true,
        OperationCanceledException => !invocation.IsCancellationRequested,
        AwsServiceException service => service.IsTransient,
        _ => false,
    };
}
