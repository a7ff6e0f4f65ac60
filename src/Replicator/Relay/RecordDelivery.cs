using Replicator.Aws.Json;
using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

/// <summary>
/// Sends one source batch to the target stream with PutRecords, retrying failed records in per-key
/// order (see <see cref="DeliveryPlanner"/> and <see cref="RelayOrdering"/>) until all are durable or
/// the time budget runs out.
/// Records are paced to each target shard's write rate (<see cref="TargetShardPacing"/>);
/// a request that lands nothing backs off with full jitter. A non-transient error stops delivery and
/// is returned, not thrown, so the caller can still checkpoint the durable prefix.
/// </summary>
public sealed class RecordDelivery(IPutRecordsTarget target, PutRecordsLimits limits, TimeProvider time, RelayOrdering ordering = RelayOrdering.Strict)
{
    private static readonly TimeSpan BackoffBase = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan BackoffCap = TimeSpan.FromSeconds(2);

    private readonly TargetShardPacing _pacing = new(time);

    /// <param name="window">Streams <paramref name="records"/> through with checkpoints (see <see cref="DeliveryWindow"/>); null delivers them as one batch.</param>
    public async Task<DeliveryOutcome> DeliverAsync(
        string targetStream, IReadOnlyList<SourceRecord> records, DateTimeOffset deadline, CancellationToken cancellationToken, DeliveryWindow? window = null)
    {
        var planner = new DeliveryPlanner(records, limits, ordering);
        var delivered = new bool[records.Count];
        int requests = 0, retried = 0, throttled = 0, fruitlessRounds = 0;
        int prefix = 0, checkpointed = 0, sentUpTo = 0;
        int? stopAt = null;
        Exception? error = null;
        var landings = new TargetLandings();
        var startedAt = time.GetUtcNow();

        using var timeLeft = new CancellationTokenSource(Max(deadline - startedAt, TimeSpan.Zero), time);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeLeft.Token);

        while (planner.Pending > 0 && !budget.IsCancellationRequested && !(prefix >= stopAt))
        {
            var before = window is null ? records.Count : stopAt ?? checkpointed + window.Lead;
            var now = time.GetUtcNow();
            var round = _pacing.BeginRound(now);
            var batch = planner.TakeNextRequest(before, window?.MaxRequestRecords ?? int.MaxValue, round.MaySend);
            if (batch.Count == 0 && round.NextRelease is { } release)
            {
                // Everything ready is for shards whose allowance is spent: wait until the first has room.
                await PauseAsync(release - now, budget.Token).ConfigureAwait(false);
                continue;
            }

            if (batch.Count == 0)
            {
                throw new InvalidOperationException($"Delivery planned an empty request with {planner.Pending} records pending (durable prefix {prefix}, window before {before}).");
            }

            if (window?.BeforeRequestAsync is { } beforeRequest)
            {
                try
                {
                    await beforeRequest(batch, budget.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (budget.IsCancellationRequested)
                {
                    planner.Settle(batch, new bool[batch.Count]);
                    break;
                }
            }

            var entries = planner.Entries(batch);
            var request = new PutRecordsRequest(targetStream, entries.Select(e => EntryFor(batch, e)).ToArray());
            requests++;
            sentUpTo = Math.Max(sentUpTo, batch.Max(r => r.Index) + 1);
            IReadOnlyList<PutRecordsResultEntry>? results = null;
            try
            {
                var response = await target.PutRecordsAsync(request, budget.Token).ConfigureAwait(false);
                var answered = response.Records.Count == entries.Count
                    ? response.Records
                    : throw new AwsServiceException("kinesis", "InvalidResponse",
                        $"PutRecords answered {response.Records.Count} results for {entries.Count} records", System.Net.HttpStatusCode.OK);
                Learn(batch, entries, request, answered);
                landings.Add(answered);
                results = PerRecord(batch, entries, answered);
            }
            catch (OperationCanceledException) when (budget.IsCancellationRequested)
            {
                // Out of time (or the invocation was cancelled): the in-flight records count as not durable.
            }
            catch (AwsServiceException e) when (e.IsTransient)
            {
                throttled += e.IsThrottling ? batch.Count : 0;
            }
            catch (Exception e) when (e is AwsServiceException or HttpRequestException or RelayTargetException)
            {
                error = e;
            }

            var landed = 0;
            var durable = planner.Settle(batch, results is null ? new bool[batch.Count] : LandingOrder.LandedInKeyOrder(batch, results));
            for (var i = 0; i < batch.Count; i++)
            {
                if (durable[i])
                {
                    delivered[batch[i].Index] = true;
                    landed++;
                    continue;
                }

                retried++;
                if (results?[i].ErrorCode is "ProvisionedThroughputExceededException" or "KMSThrottlingException")
                {
                    throttled++;
                }
            }

            while (prefix < records.Count && delivered[prefix])
            {
                prefix++;
            }

            if (error is not null)
            {
                break;
            }

            if (window is not null && stopAt is null && prefix - checkpointed >= window.CheckpointEvery && prefix < records.Count)
            {
                var goOn = await window.CheckpointAsync(prefix, cancellationToken).ConfigureAwait(false);
                checkpointed = prefix;
                // Stopping: what was already sent is seen through, so the caller's last checkpoint covers everything sent.
                stopAt = goOn ? null : sentUpTo;
            }

            fruitlessRounds = landed == 0 ? fruitlessRounds + 1 : 0;
            if (fruitlessRounds > 0 && planner.Pending > 0)
            {
                await BackOffAsync(fruitlessRounds, budget.Token).ConfigureAwait(false);
            }
        }

        return new DeliveryOutcome(prefix, requests, retried, throttled, error, sentUpTo) { StartedAt = startedAt, Landings = landings.ByShard };
    }

    /// <summary>The request entry for one entry of the batch: the record itself, or its run of one key as one aggregated record.</summary>
    private static PutRecordsRequestEntry EntryFor(IReadOnlyList<SourceRecord> batch, (int Start, int Count) entry)
    {
        var first = batch[entry.Start];
        return entry.Count == 1
            ? new PutRecordsRequestEntry(first.Data, first.PartitionKey)
            : new PutRecordsRequestEntry(
                Base64Data.FromBytes(KplAggregate.Encode(first.PartitionKey, [.. batch.Skip(entry.Start).Take(entry.Count).Select(r => r.Data)])),
                first.PartitionKey);
    }

    /// <summary>
    /// Pacing learns from each entry's first record (an aggregate is one record to its shard, and was paced
    /// as its first); what an aggregate's other records added in bytes is spent when it lands.
    /// </summary>
    private void Learn(IReadOnlyList<SourceRecord> batch, IReadOnlyList<(int Start, int Count)> entries, PutRecordsRequest request, IReadOnlyList<PutRecordsResultEntry> answered)
    {
        var firsts = entries.Count == batch.Count ? batch : entries.Select(e => batch[e.Start]).ToArray();
        _pacing.Learn(firsts, answered);
        for (var e = 0; e < entries.Count; e++)
        {
            if (entries[e].Count > 1 && answered[e].Succeeded)
            {
                _pacing.Spend(firsts[e].PartitionKey, request.Records[e].Data.Length - firsts[e].Data.Length);
            }
        }
    }

    /// <summary>Each record's result: its entry's (an aggregate lands or fails whole).</summary>
    private static IReadOnlyList<PutRecordsResultEntry> PerRecord(IReadOnlyList<SourceRecord> batch, IReadOnlyList<(int Start, int Count)> entries, IReadOnlyList<PutRecordsResultEntry> answered)
    {
        if (entries.Count == batch.Count)
        {
            return answered;
        }

        var results = new PutRecordsResultEntry[batch.Count];
        for (var e = 0; e < entries.Count; e++)
        {
            Array.Fill(results, answered[e], entries[e].Start, entries[e].Count);
        }

        return results;
    }

    private Task BackOffAsync(int attempt, CancellationToken budget)
    {
        var ceiling = Math.Min(BackoffCap.TotalMilliseconds, BackoffBase.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16)));
        return PauseAsync(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling), budget);
    }

    private async Task PauseAsync(TimeSpan pause, CancellationToken budget)
    {
        try
        {
            await Task.Delay(Max(pause, TimeSpan.Zero), time, budget).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            // The budget ended during the pause; the loop condition reports what is not durable.
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
