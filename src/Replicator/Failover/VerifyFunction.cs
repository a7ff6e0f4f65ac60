using System.Text.Json;
using Replicator.Aws;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;
using Replicator.Monitoring;
using Replicator.Relay;

namespace Replicator.Failover;

/// <summary>
/// Verifies the checkpoints as the target region sees them (handler <c>failover-verify</c>), once
/// the stream is fenced: every shard's checkpoint in this region's replica of the table must have
/// reached what the drain measured, whose watermark is then the recovery point.
/// </summary>
/// <param name="kinesisIn">Each region's Kinesis, to compare the two streams' configurations.</param>
public sealed class VerifyFunction(CheckpointStore checkpoints, Func<string, KinesisClient> kinesisIn, TimeProvider time)
{
    public static LambdaHandler CreateHandler(IReadOnlyDictionary<string, string> environment)
    {
        var settings = FailoverSettings.From(environment);
        var credentials = AwsEnvironment.Credentials(environment);
        var dynamoDb = DynamoDbClients.Create(settings.Region, credentials, settings.DynamoDbEndpoint);
        return new VerifyFunction(
            new CheckpointStore(dynamoDb, settings.CheckpointTable, TimeProvider.System),
            settings.KinesisClients(credentials),
            TimeProvider.System).HandleAsync;
    }

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        var request = FunctionInput.Read(payload, FailoverJsonContext.Default.VerifyRequest, "failover-verify");
        var result = await VerifyAsync(request, cancellationToken).ConfigureAwait(false);
        foreach (var difference in result.StreamDifferences ?? [])
        {
            context.Logger.LogWarning($"{request.StreamName} in {request.TargetRegion} differs from {request.SourceRegion} in {difference}");
        }

        return JsonSerializer.SerializeToUtf8Bytes(result, FailoverJsonContext.Default.VerifyResult);
    }

    /// <exception cref="CheckpointNotReplicatedException">The target's replica of the table has not caught up with the drain yet (retried by the state machine).</exception>
    public async Task<VerifyResult> VerifyAsync(VerifyRequest request, CancellationToken cancellationToken)
    {
        var drain = request.Drain;
        if (!drain.Settled && !request.Force)
        {
            throw new InvalidFunctionInputException(
                $"failover-verify: the drain of {request.StreamName} has not settled and force is false; a planned failover verifies only a drained stream.");
        }

        var differences = await CompareStreamsAsync(request, cancellationToken).ConfigureAwait(false);
        if (!request.Force && differences.Where(d => d.LosesData).ToList() is { Count: > 0 } losing)
        {
            throw new StreamConfigurationMismatchException(
                $"{request.StreamName} in {request.TargetRegion} would refuse or forget records that {request.SourceRegion}'s stream keeps, so the planned failover stops here and restores the config: " +
                string.Join(" ", losing.Select(d => d.Describe())));
        }

        var measuredShards = drain.Measurement?.Shards ?? [];
        var targetView = await checkpoints.ReadAsync(request.StreamName, request.SourceRegion, request.TargetRegion, measuredShards.Select(s => s.ShardId).ToList(), cancellationToken)
            .ConfigureAwait(false);
        foreach (var shard in measuredShards)
        {
            if (shard.SequenceNumber is { } drained &&
                (!targetView.TryGetValue(shard.ShardId, out var seen) || string.CompareOrdinal(SequenceNumbers.Pad(seen.SequenceNumber), SequenceNumbers.Pad(drained)) < 0))
            {
                throw new CheckpointNotReplicatedException(
                    $"{request.StreamName}/{shard.ShardId}: {request.TargetRegion}'s table has checkpoint {seen?.SequenceNumber ?? "(none)"}, the drain measured {drained}; the global table has not replicated it yet.");
            }
        }

        // The drain's last measurement read the source; without one (a source never reachable), the lag
        // monitor's last stored watermark, as this region's replica of the table has it.
        var now = time.GetUtcNow();
        var recoveryPoint = drain.Measurement is { } measurement
            ? measurement.RecoveryPoint
            : (await checkpoints.ReadWatermarkAsync(request.StreamName, cancellationToken).ConfigureAwait(false)).Value;
        var named = differences.Select(d => d.Describe()).ToList();
        if (drain.Settled)
        {
            return new VerifyResult(now, recoveryPoint, 0, false, 0, request.Force) { StreamDifferences = named };
        }

        var measured = drain.Measurement;
        var seconds = measured?.SecondsBehind ?? (recoveryPoint is { } point ? Math.Round((now - point).TotalSeconds, 3) : null);
        return new VerifyResult(now, recoveryPoint, measured?.RecordsBehind, measured?.AtLeast ?? false, seconds, request.Force) { StreamDifferences = named };
    }

    /// <summary>
    /// The two streams' configurations compared (<see cref="StreamParity"/>). A forced failover whose
    /// source does not answer goes on without: forcing is the operator's word that it is down.
    /// </summary>
    private async Task<IReadOnlyList<StreamDifference>> CompareStreamsAsync(VerifyRequest request, CancellationToken cancellationToken)
    {
        StreamDescriptionSummary source;
        try
        {
            source = await kinesisIn(request.SourceRegion).DescribeStreamSummaryAsync(request.StreamName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (request.Force && e is not OperationCanceledException)
        {
            return [];
        }

        var target = await kinesisIn(request.TargetRegion).DescribeStreamSummaryAsync(request.StreamName, cancellationToken).ConfigureAwait(false);
        return StreamParity.Compare(source, request.SourceRegion, target, request.TargetRegion);
    }
}

/// <summary>The target stream would refuse or forget records the source keeps: a planned failover stops and restores.</summary>
public sealed class StreamConfigurationMismatchException(string message) : Exception(message);

/// <summary>The target region's view of the checkpoints is behind the drain's; worth retrying while the global table replicates.</summary>
public sealed class CheckpointNotReplicatedException(string message) : Exception(message);
