using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using Replicator.Aws.Kinesis;

namespace Replicator.LocalCloud.Limits;

/// <summary>
/// UpdateShardCount for kinesalite, which lacks it: as Kinesis does (Kinesis API reference,
/// UpdateShardCount), by splits and merges of individual shards, towards open shards of equal hash key
/// ranges (UNIFORM_SCALING), with the API's default limits: at most ten scalings per rolling 24 hours per
/// stream, at most double and at least half the open shard count, the stream ACTIVE. It returns at once
/// with the stream UPDATING, and the splits and merges run after, each waiting for the stream to be
/// ACTIVE again, so short-lived shards appear as they do on Kinesis.
/// </summary>
/// <param name="resharded">Told of every split and merge, once the stream is ACTIVE again.</param>
public sealed class UniformScaling(KinesisClient emulator, Action<string> resharded, TimeProvider clock)
{
    private const int ScalingsPerDay = 10;
    private static readonly BigInteger HashSpace = BigInteger.One << 128;

    private readonly ConcurrentDictionary<string, List<DateTimeOffset>> _scalings = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    /// <summary>The stream's last scaling (completed if none): a drill awaits it, and so sees its failure.</summary>
    public Task ScalingOf(string stream) => _running.GetValueOrDefault(stream, Task.CompletedTask);

    /// <summary>Starts the scaling; the returned task is the scaling itself.</summary>
    /// <exception cref="ReshardRefusedException">The request breaks one of the API's limits.</exception>
    public async Task<(UpdateShardCountResponse Response, Task Scaling)> StartAsync(UpdateShardCountRequest request, CancellationToken cancellationToken)
    {
        var summary = await emulator.DescribeStreamSummaryAsync(request.StreamName, cancellationToken).ConfigureAwait(false);
        var current = summary.OpenShardCount;
        if (summary.StreamStatus != "ACTIVE" || !ScalingOf(request.StreamName).IsCompleted)
        {
            throw new ReshardRefusedException("ResourceInUseException", $"Stream {request.StreamName} is not ACTIVE (it is being updated).");
        }

        if (request.TargetShardCount > current * 2 || request.TargetShardCount * 2 < current)
        {
            throw new ReshardRefusedException(
                "LimitExceededException",
                $"UpdateShardCount may scale {request.StreamName} to at most double and at least half its {current} open shards, not to {request.TargetShardCount}.");
        }

        var now = clock.GetUtcNow();
        var history = _scalings.GetOrAdd(request.StreamName, _ => []);
        lock (history)
        {
            history.RemoveAll(at => at < now - TimeSpan.FromDays(1));
            if (history.Count >= ScalingsPerDay)
            {
                throw new ReshardRefusedException(
                    "LimitExceededException", $"{request.StreamName} was scaled {ScalingsPerDay} times in the last 24 hours, the most UpdateShardCount allows.");
            }

            history.Add(now);
        }

        var scaling = ScaleAsync(request.StreamName, request.TargetShardCount, cancellationToken);
        _running[request.StreamName] = scaling;
        return (new UpdateShardCountResponse(request.StreamName, current, request.TargetShardCount), scaling);
    }

    /// <summary>Splits every open shard across each boundary of the target's equal ranges, then merges neighbours inside one range.</summary>
    private async Task ScaleAsync(string stream, int target, CancellationToken cancellationToken)
    {
        var boundaries = Enumerable.Range(1, target - 1).Select(i => HashSpace * i / target).ToList();
        foreach (var boundary in boundaries)
        {
            var open = await OpenShardsAsync(stream, cancellationToken).ConfigureAwait(false);
            // A split must leave both halves at least two hash keys wide (kinesalite and Kinesis refuse otherwise); a boundary that close stays where the shard ends.
            if (open.FirstOrDefault(s => s.Start + 1 < boundary && boundary < s.End) is { ShardId: not null } holder)
            {
                await emulator.SplitShardAsync(new SplitShardRequest(stream, holder.ShardId, boundary.ToString(CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
                await emulator.WaitUntilActiveAsync(stream, cancellationToken).ConfigureAwait(false);
                resharded(stream);
            }
        }

        // Which of the target's ranges a hash key is in: how many boundaries lie at or below it.
        int RangeOf(BigInteger start) => boundaries.Count(b => b <= start);
        while (true)
        {
            var open = await OpenShardsAsync(stream, cancellationToken).ConfigureAwait(false);
            var pair = open.Zip(open.Skip(1)).FirstOrDefault(p => RangeOf(p.First.Start) == RangeOf(p.Second.Start));
            if (pair.First.ShardId is null)
            {
                return;
            }

            await emulator.MergeShardsAsync(new MergeShardsRequest(stream, pair.First.ShardId, pair.Second.ShardId), cancellationToken).ConfigureAwait(false);
            await emulator.WaitUntilActiveAsync(stream, cancellationToken).ConfigureAwait(false);
            resharded(stream);
        }
    }

    private async Task<List<(string ShardId, BigInteger Start, BigInteger End)>> OpenShardsAsync(string stream, CancellationToken cancellationToken) =>
        (await emulator.ListShardsAsync(stream, cancellationToken).ConfigureAwait(false))
            .Where(s => s.SequenceNumberRange.EndingSequenceNumber is null)
            .Select(s => (s.ShardId, BigInteger.Parse(s.HashKeyRange.StartingHashKey, CultureInfo.InvariantCulture), BigInteger.Parse(s.HashKeyRange.EndingHashKey, CultureInfo.InvariantCulture)))
            .OrderBy(s => s.Item2)
            .ToList();
}

/// <summary>A reshard the API refuses, with the error code Kinesis answers.</summary>
public sealed class ReshardRefusedException(string errorCode, string message) : Exception(message)
{
    public string ErrorCode => errorCode;
}
