using System.Text.Json;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;

namespace Replicator.LocalCloud.EventSourceMapping;

/// <summary>
/// A local stand-in for Lambda's Kinesis event source mapping: one poller per shard, starting at
/// TRIM_HORIZON, invoking the function with the exact Kinesis event JSON Lambda sends, one batch per
/// shard at a time (ParallelizationFactor 1). It honours BatchSize, the batching window and the
/// invocation payload limit (<see cref="InvocationEvent"/>), resumes
/// from the record named in <c>batchItemFailures</c>, and retries a failed invocation forever
/// (MaximumRetryAttempts -1), as the template configures the real one. Each shard's invocations run in
/// an execution environment of their own (<see cref="FunctionInstance"/>), started cold by
/// <paramref name="startInstance"/>; an invocation that reaches the function's timeout is killed with
/// its environment, fails as "Task timed out", and its batch is retried in a new one.
/// Resharding: the shard list is read again every ShardDiscoveryInterval; a child's records are read
/// after its parents' unless told otherwise (<see cref="EventSourceMappingOptions.WaitsForParentShards"/>).
/// Not modelled: enhanced fan-out.
/// </summary>
public sealed class LocalEventSourceMapping(
    KinesisClient source,
    string streamName,
    Func<FunctionInstance> startInstance,
    Func<string, TimeSpan, ILambdaContext> createContext,
    EventSourceMappingOptions options)
{
    private long _invocations;
    private long _recordsAcknowledged;
    private long _killed;

    /// <summary>Raised after every invocation, from the shard's poller.</summary>
    public event Action<InvocationResult>? Invoked;

    public long Invocations => Interlocked.Read(ref _invocations);

    public long RecordsAcknowledged => Interlocked.Read(ref _recordsAcknowledged);

    /// <summary>Invocations killed at the function's timeout.</summary>
    public long Killed => Interlocked.Read(ref _killed);

    /// <summary>
    /// Polls every shard until cancelled, listing the shards again every ShardDiscoveryInterval so the
    /// children of a reshard are read too (after their parents, unless WaitsForParentShards is false).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var summary = await source.DescribeStreamSummaryAsync(streamName, cancellationToken).ConfigureAwait(false);
        var pollers = new Dictionary<string, Task>(StringComparer.Ordinal);
        try
        {
            while (true)
            {
                var shards = await source.ListShardsAsync(streamName, cancellationToken).ConfigureAwait(false);
                var listed = shards.Select(s => s.ShardId).ToHashSet(StringComparer.Ordinal);
                foreach (var shard in shards.Where(s => !pollers.ContainsKey(s.ShardId) && MayStart(s, listed, pollers)))
                {
                    pollers[shard.ShardId] = PollShardAsync(shard.ShardId, summary.StreamARN, cancellationToken);
                }

                if (pollers.Values.FirstOrDefault(p => p.IsFaulted) is { } failed)
                {
                    await failed.ConfigureAwait(false);
                }

                await Task.Delay(options.ShardDiscoveryInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the caller: let every poller finish the invocation it has under way.
            try
            {
                await Task.WhenAll(pollers.Values).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped too.
            }
        }
    }

    /// <summary>A parent that ListShards no longer lists has left retention: nothing of it is left to read first.</summary>
    private bool MayStart(Shard shard, HashSet<string> listed, Dictionary<string, Task> pollers) =>
        !options.WaitsForParentShards
        || new[] { shard.ParentShardId, shard.AdjacentParentShardId }
            .OfType<string>()
            .All(parent => !listed.Contains(parent) || (pollers.TryGetValue(parent, out var poller) && poller.IsCompletedSuccessfully));

    private async Task PollShardAsync(string shardId, string streamArn, CancellationToken cancellationToken)
    {
        var iterator = (await source.GetShardIteratorAsync(
            new GetShardIteratorRequest(streamName, shardId, ShardIteratorTypes.TrimHorizon), cancellationToken).ConfigureAwait(false)).ShardIterator;
        var buffer = new List<KinesisRecord>();
        FunctionInstance? instance = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                (iterator, var ended) = await FillAsync(buffer, iterator, cancellationToken).ConfigureAwait(false);
                if (buffer.Count == 0)
                {
                    if (ended)
                    {
                        return;
                    }

                    await Task.Delay(options.IdlePollInterval, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var (payload, fitting) = InvocationEvent.Build(EventRecords(shardId, streamArn, buffer.Take(options.BatchSize)));
                var batch = buffer.Take(fitting).ToArray();
                instance ??= startInstance();
                var (acknowledged, killed) = await InvokeAsync(instance, shardId, payload, batch, cancellationToken).ConfigureAwait(false);
                if (killed)
                {
                    instance = null;
                }

                buffer.RemoveRange(0, acknowledged);
                Interlocked.Add(ref _recordsAcknowledged, acknowledged);
                if (acknowledged < batch.Length)
                {
                    await Task.Delay(options.RetryDelay, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (instance is not null)
            {
                await instance.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads until the buffer holds a full batch or payload, the batching window passes, or the shard has nothing more now.</summary>
    private async Task<(string? Iterator, bool Ended)> FillAsync(List<KinesisRecord> buffer, string? iterator, CancellationToken cancellationToken)
    {
        var windowEnds = DateTimeOffset.UtcNow + options.BatchingWindow;
        while (iterator is not null && buffer.Count < options.BatchSize && !HoldsAFullPayload(buffer))
        {
            // The shard's five reads a second are shared by every reader: like Lambda, wait and read again when refused.
            var page = await PatientReads.GetRecordsAsync(
                source, new GetRecordsRequest(iterator) { Limit = Math.Min(10_000, options.BatchSize - buffer.Count) }, cancellationToken)
                .ConfigureAwait(false);
            buffer.AddRange(page.Records);
            iterator = page.NextShardIterator;
            var caughtUp = page.Records.Count == 0 || page.MillisBehindLatest == 0;
            if (caughtUp && (buffer.Count == 0 || DateTimeOffset.UtcNow >= windowEnds))
            {
                break;
            }

            if (caughtUp)
            {
                await Task.Delay(options.IdlePollInterval, cancellationToken).ConfigureAwait(false);
            }
        }

        return (iterator, iterator is null);
    }

    /// <summary>Whether the buffered records' data alone, in base64, fills an invocation's payload.</summary>
    private static bool HoldsAFullPayload(List<KinesisRecord> buffer) =>
        buffer.Sum(r => (long)r.Data.Length) * 4 / 3 >= InvocationPayload.MaxBytes;

    /// <summary>Invokes the function with one batch: how many leading records are done, and whether the instance was killed.</summary>
    private async Task<(int Acknowledged, bool Killed)> InvokeAsync(FunctionInstance instance, string shardId, byte[] payload, KinesisRecord[] batch, CancellationToken cancellationToken)
    {
        var context = createContext(Guid.NewGuid().ToString(), options.FunctionTimeout);
        Interlocked.Increment(ref _invocations);

        // Like Lambda, stopping the mapping does not abort an invocation under way: it runs to its
        // end or its timeout, so a stopped relay has checkpointed everything it wrote.
        var acknowledged = 0;
        string? failedItem = null;
        Exception? error = null;
        var invocation = Invoke(instance, payload, context);
        using var timer = new CancellationTokenSource();
        var timedOut = await Task.WhenAny(invocation, Task.Delay(options.FunctionTimeout, timer.Token)).ConfigureAwait(false) != invocation;
        if (timedOut)
        {
            error = await KillAsync(instance, invocation).ConfigureAwait(false);
        }
        else
        {
            await timer.CancelAsync().ConfigureAwait(false);
            try
            {
                failedItem = FirstFailedItem(await invocation.ConfigureAwait(false));
                // Like Lambda: an identifier that names no record of the batch fails the whole batch.
                acknowledged = failedItem is null ? batch.Length : Math.Max(0, Array.FindIndex(batch, r => r.SequenceNumber == failedItem));
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                error = e;
            }
        }

        Invoked?.Invoke(new InvocationResult(shardId, batch.Length, acknowledged, failedItem, error));
        return (acknowledged, timedOut);
    }

    /// <summary>Runs the handler off the poller's thread, so a handler that blocks cannot hold the timeout back.</summary>
    private static Task<byte[]> Invoke(FunctionInstance instance, byte[] payload, ILambdaContext context) =>
        Task.Run(() => instance.Handler(payload, context, instance.Killed));

    private async Task<Exception> KillAsync(FunctionInstance instance, Task<byte[]> invocation)
    {
        if (!instance.Killable)
        {
            throw new InvalidOperationException(
                $"An invocation of {options.FunctionName} reached its timeout ({options.FunctionTimeout.TotalSeconds:0.##} s), and its instance, built over shared clients, " +
                "cannot be killed as Lambda kills one: start it with FunctionInstance.Start, or give it a longer timeout.");
        }

        Interlocked.Increment(ref _killed);
        await instance.DisposeAsync().ConfigureAwait(false);
        // What the abandoned invocation does next fails against its cut-off endpoints; nobody awaits it.
        _ = invocation.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return new TimeoutException($"Task timed out after {options.FunctionTimeout.TotalSeconds:0.00} seconds");
    }

    private static string? FirstFailedItem(byte[] responseBytes)
    {
        if (responseBytes.Length == 0)
        {
            return null;
        }

        var response = JsonSerializer.Deserialize(responseBytes, LambdaEventsJsonContext.Default.StreamsEventResponse);
        return response?.BatchItemFailures is { Count: > 0 } failures ? failures[0].ItemIdentifier : null;
    }

    private List<KinesisEventRecord> EventRecords(string shardId, string streamArn, IEnumerable<KinesisRecord> batch)
    {
        var region = source.Region;
        var arn = streamArn.Replace(":000000000000:", $":{options.AccountId}:", StringComparison.Ordinal);
        return batch.Select(r => new KinesisEventRecord
        {
            EventSource = "aws:kinesis",
            EventVersion = "1.0",
            EventId = $"{shardId}:{r.SequenceNumber}",
            EventName = "aws:kinesis:record",
            InvokeIdentityArn = $"arn:aws:iam::{options.AccountId}:role/{options.FunctionName}-role",
            AwsRegion = region,
            EventSourceArn = arn,
            Kinesis = new KinesisRecordData
            {
                KinesisSchemaVersion = "1.0",
                PartitionKey = r.PartitionKey,
                SequenceNumber = r.SequenceNumber,
                Data = Base64Data.FromBytes(r.Data),
                ApproximateArrivalTimestamp = r.ApproximateArrivalTimestamp,
            },
        }).ToList();
    }
}
