using System.Runtime.ExceptionServices;
using System.Text.Json;
using Replicator.Lambda;

namespace Replicator.Relay;

/// <summary>
/// The relay's invocation path: gate on the active region, deliver the batch to the target region in
/// per-key order, checkpoint the durable prefix, and name the first record that is not durable so the
/// event source mapping resumes exactly there.
/// </summary>
public sealed class RelayFunction(
    RelaySettings settings,
    ActiveRegionGate gate,
    RecordDelivery delivery,
    CheckpointStore checkpoints,
    PositionSamples positions,
    ShardLineage lineage,
    RelayMetrics metrics,
    TimeProvider time)
{
    /// <summary>Time kept back from the invocation's deadline for the checkpoint write and the response.</summary>
    public static readonly TimeSpan ReservedForCheckpoint = TimeSpan.FromSeconds(2);

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        var batch = SourceBatch.Read(payload);
        StreamsEventResponse response;
        BatchReport report;
        try
        {
            (response, report) = await ReplicateAsync(batch, context, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            metrics.BatchFailed(batch.StreamName, context.AwsRequestId);
            throw;
        }

        context.Logger.LogInformation(JsonSerializer.Serialize(report, RelayJsonContext.Default.BatchReport));
        metrics.BatchDone(batch, report, context.AwsRequestId);
        return JsonSerializer.SerializeToUtf8Bytes(response, LambdaEventsJsonContext.Default.StreamsEventResponse);
    }

    public async Task<(StreamsEventResponse Response, BatchReport Report)> ReplicateAsync(SourceBatch batch, ILambdaContext context, CancellationToken cancellationToken)
    {
        var records = batch.Records;
        if (records.Count == 0)
        {
            return (StreamsEventResponse.Success, Report(batch, records, gated: 0, outcome: null, missingTimestamps: 0, checkpoint: null, checkpointedCommit: null));
        }

        var decision = await gate.CheckAsync(batch.StreamName, cancellationToken).ConfigureAwait(false);
        if (!decision.MayReplicate)
        {
            context.Logger.LogInformation(
                $"Stream {batch.StreamName} is not active in {settings.SourceRegion} (activeRegion {decision.ActiveRegion}, state {decision.State}); {records.Count} records consumed without replicating.");
            await PassOverAsync(batch, records[^1].SequenceNumber, cancellationToken).ConfigureAwait(false);
            return (StreamsEventResponse.Success, Report(batch, records, gated: records.Count, outcome: null, missingTimestamps: 0, checkpoint: null, checkpointedCommit: null));
        }

        if (await lineage.WaitingForAsync(batch.StreamName, batch.ShardId, cancellationToken).ConfigureAwait(false) is { } parent)
        {
            context.Logger.LogInformation(
                $"{batch.StreamName}/{batch.ShardId} waits for its parent shard {parent}, whose records are not all replicated to {settings.TargetRegion} yet: " +
                $"the batch (from sequence number {records[0].SequenceNumber}) is retried, so every key keeps its order across the reshard.");
            return (
                new StreamsEventResponse([new BatchItemFailure(records[0].SequenceNumber)]),
                Report(batch, records, gated: 0, outcome: null, missingTimestamps: 0, checkpoint: null, checkpointedCommit: null) with { FirstFailedSequenceNumber = records[0].SequenceNumber, WaitingForParentShard = parent });
        }

        var replicas = decision.ReplicasAtStart(records);
        if (replicas > 0)
        {
            context.Logger.LogInformation(
                $"{replicas} records of {batch.StreamName}/{batch.ShardId} arrived before {settings.SourceRegion} became active at {decision.ActiveSince:O} (up to sequence number {records[replicas - 1].SequenceNumber}): they are replicas from the previous active region and are not copied back.");
            records = records.Skip(replicas).Select((record, index) => record with { Index = index }).ToList();
            if (records.Count == 0)
            {
                await PassOverAsync(batch, batch.Records[^1].SequenceNumber, cancellationToken).ConfigureAwait(false);
                return (StreamsEventResponse.Success, Report(batch, records, gated: replicas, outcome: null, missingTimestamps: 0, checkpoint: null, checkpointedCommit: null));
            }
        }

        var deadline = time.GetUtcNow() + context.RemainingTime - ReservedForCheckpoint;
        var targetStream = settings.TargetStreamName ?? batch.StreamName;
        var outcome = await delivery.DeliverAsync(targetStream, records, deadline, cancellationToken).ConfigureAwait(false);

        var missingTimestamps = 0;
        CheckpointAdvance? advance = null;
        DateTimeOffset? checkpointedCommit = null;
        if (outcome.DurablePrefix > 0)
        {
            var last = records[outcome.DurablePrefix - 1];
            (missingTimestamps, var latestCommit) = ScanCommitTimestamps(records, outcome.DurablePrefix, context);
            checkpointedCommit = latestCommit;
            // The sample beside the checkpoint, not after it: if either write fails the invocation fails and the
            // batch is sent again, so every durable copy is covered by a sample of a batch at or before it.
            var advancing = checkpoints.AdvanceAsync(
                batch.StreamName,
                new ShardCheckpoint(settings.TargetRegion, batch.ShardId, last.SequenceNumber, latestCommit, settings.SourceRegion),
                cancellationToken);
            var sampling = positions.WriteAsync(
                batch.StreamName, settings.SourceRegion, settings.TargetRegion,
                new PositionSample(batch.ShardId, records[0].SequenceNumber, outcome.StartedAt, outcome.Landings),
                cancellationToken);
            await Task.WhenAll(advancing, sampling).ConfigureAwait(false);
            advance = await advancing.ConfigureAwait(false);
            if (advance == CheckpointAdvance.AlreadyAtOrPast)
            {
                context.Logger.LogWarning(
                    $"Checkpoint of {batch.StreamName}/{batch.ShardId} for {settings.TargetRegion} is already at or past sequence number {last.SequenceNumber}: this batch was delivered before (a retry); records were re-sent as duplicates.");
            }
        }

        if (outcome.Error is { } rawError)
        {
            var error = RelayTargetException.Explain(rawError, settings, targetStream) ?? rawError;
            context.Logger.LogError(
                $"Replicating {batch.StreamName}/{batch.ShardId} to {settings.TargetRegion} stopped at sequence number {records[outcome.DurablePrefix].SequenceNumber}: {error.GetType().Name}: {error.Message}");
            if (outcome.DurablePrefix == 0)
            {
                // Nothing landed: fail the invocation so the error is visible as a Lambda error, and the batch is retried whole.
                ExceptionDispatchInfo.Throw(error);
            }
        }

        var report = Report(batch, records, gated: replicas, outcome, missingTimestamps, advance, checkpointedCommit);
        var response = outcome.Complete(records.Count)
            ? StreamsEventResponse.Success
            : new StreamsEventResponse([new BatchItemFailure(records[outcome.DurablePrefix].SequenceNumber)]);
        return (response, report);
    }

    /// <summary>Records consumed on purpose without copying, so the shard's children need not wait for them (<see cref="ShardLineage"/>).</summary>
    private Task PassOverAsync(SourceBatch batch, string lastSequenceNumber, CancellationToken cancellationToken) =>
        checkpoints.PassOverAsync(batch.StreamName, settings.SourceRegion, settings.TargetRegion, batch.ShardId, lastSequenceNumber, cancellationToken);

    /// <summary>
    /// The latest commit timestamp among the durable records, which the checkpoint keeps: records of
    /// different keys need not arrive in commit order, so the last record's timestamp may be older than
    /// one already replicated. Records without one are counted and the first named, once per batch.
    /// </summary>
    private static (int Missing, DateTimeOffset? Latest) ScanCommitTimestamps(IReadOnlyList<SourceRecord> records, int count, ILambdaContext context)
    {
        var (latest, missing, first) = CommitTimestamps.Latest(records, count);
        if (first is not null)
        {
            context.Logger.LogWarning(
                $"{missing} replicated records have no JSON commitTimestamp (first: sequence number {first}); they are replicated, but the watermark (lastReplicatedCommitTimestamp) promises nothing about them.");
        }

        return (missing, latest);
    }

    /// <param name="delivered">The records handed to delivery: the batch without the replicas at its start.</param>
    private static BatchReport Report(
        SourceBatch batch, IReadOnlyList<SourceRecord> delivered, int gated, DeliveryOutcome? outcome, int missingTimestamps, CheckpointAdvance? checkpoint, DateTimeOffset? checkpointedCommit)
    {
        var replicated = outcome?.DurablePrefix ?? 0;
        return new BatchReport(
            batch.StreamName,
            batch.ShardId,
            batch.Records.Count,
            replicated,
            delivered.Take(replicated).Sum(r => (long)r.Data.Length),
            gated,
            outcome?.Requests ?? 0,
            outcome?.RetriedRecords ?? 0,
            outcome?.ThrottledRecords ?? 0,
            missingTimestamps,
            outcome is null || outcome.Complete(delivered.Count) ? null : delivered[outcome.DurablePrefix].SequenceNumber,
            checkpoint,
            checkpointedCommit);
    }
}
