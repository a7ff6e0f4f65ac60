using System.Text.Json.Nodes;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.StepFunctions;
using Replicator.LocalCloud.Verification;
using Replicator.Replay;

namespace Replicator.LocalCloud.Replay;

/// <summary>
/// The replay drill: 50,000 CDC records of 1,000 Zipf-skewed keys, committed over six simulated hours,
/// are produced in region A and archived through the local Firehose. The replay state machine then
/// replays three of those hours into an empty stream in region B, in four lanes; the first execution
/// is stopped a third of the way through and a second one with the same input resumes it. The
/// target is read back and checked record by record against the records of the range.
/// </summary>
public static class ReplayDrill
{
    public static async Task<ReplayDrillResult> RunAsync(TwoRegionCloud cloud, TextWriter functionLog, Action<string>? progress, CancellationToken cancellationToken, int records = 50_000)
    {
        var (a, b) = (cloud.Regions.First(), cloud.Regions.Last());
        var start = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
        var hours = TimeSpan.FromHours(6);
        var produced = CdcProducer.Generate(records, keys: 1000, start, zipfExponent: 1.1)
            .Select((r, i) => r with { CommitTimestamp = start + (hours * i / records) })
            .ToList();
        progress?.Invoke($"producing {records:N0} records over 6 simulated hours in {a} and archiving them");
        var dynamoDb = cloud.CreateDynamoDbClient(a);
        await ReplicatorTables.CreateAsync(dynamoDb, cancellationToken).ConfigureAwait(false);
        var archive = await ArchivedStream.CreateAsync(cloud, a, produced, shards: 4, cancellationToken).ConfigureAwait(false);

        var target = $"replayed-{Guid.NewGuid():N}"[..21];
        var kinesisB = cloud.CreateKinesisClient(b);
        await kinesisB.CreateStreamAsync(target, 4, cancellationToken).ConfigureAwait(false);
        await kinesisB.WaitUntilActiveAsync(target, cancellationToken).ConfigureAwait(false);
        var request = new ReplayRequest(archive.Stream, start.AddHours(2), start.AddHours(5), target, b, Lanes: 4, ReplayId: $"drill-{target}");
        var expected = produced.Where(r => request.From <= r.CommitTimestamp && r.CommitTimestamp < request.To).ToList();
        var settings = new Dictionary<string, string> { [ReplayEnvironment.ChunkRecords] = "250", [ReplayEnvironment.MaxChunksPerInvocation] = "4" };
        var machine = new LocalReplay(cloud, a, archive.Bucket, new LocalTopics(), functionLog);

        progress?.Invoke($"replaying {request.From:HH:mm}–{request.To:HH:mm} ({expected.Count:N0} records) into {b}/{target} in 4 lanes; stopping it a third of the way");
        var store = new ReplayProgressStore(dynamoDb, ReplicatorTables.ReplayProgress);
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var first = machine.RunAsync(request, settings, null, stop.Token);
            while (!first.IsCompleted && await SentAsync().ConfigureAwait(false) < expected.Count / 3)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }

            // What StopExecution does: the execution and its lanes' invocations end where they are.
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await first.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }

        var stoppedAt = await SentAsync().ConfigureAwait(false);

        progress?.Invoke($"stopped with {stoppedAt:N0} records durable; starting the same replay again");
        var report = LocalReplay.Report(await machine.RunAsync(request, settings, null, cancellationToken).ConfigureAwait(false));

        var arrived = (await StreamContents.ReadAsync(kinesisB, target, cancellationToken).ConfigureAwait(false))
            .SelectMany(s => s.Records).Select(r => CdcRecord.Parse(r.Data)).ToList();
        var check = ReplicationCheck.Compare(expected, arrived);
        return new ReplayDrillResult(expected.Count, check.Found, check.Missing, check.Unexpected, check.OrderViolations, check.Duplicates, report.MaxDuplicates, stoppedAt, report.Replayed);

        async Task<long> SentAsync() => (await store.ReadAllAsync(request.ReplayId!, request.Lanes, cancellationToken).ConfigureAwait(false)).Sum(l => l.Sent);
    }
}

/// <param name="Replayed">Records of the range found in the target (first copies).</param>
/// <param name="Extra">Records in the target that are not records of the range.</param>
/// <param name="MaxDuplicates">The bound on duplicates the replay reported.</param>
/// <param name="StoppedAt">Records durable when the first execution was stopped.</param>
/// <param name="Reported">Records the replay reported as replayed.</param>
public sealed record ReplayDrillResult(int Expected, int Replayed, int Lost, int Extra, int OrderViolations, int Duplicates, long MaxDuplicates, long StoppedAt, long Reported)
{
    public bool Passed => Lost == 0 && Extra == 0 && OrderViolations == 0 && Duplicates <= MaxDuplicates && StoppedAt < Expected && Reported == Expected;

    /// <summary>The figures line of <c>replicator drill replay</c> (DESIGN.md, "Commands and figures").</summary>
    public string FiguresJson() => new JsonObject
    {
        ["expected"] = Expected,
        ["replayed"] = Replayed,
        ["lost"] = Lost,
        ["extra"] = Extra,
        ["order_violations"] = OrderViolations,
        ["duplicates"] = Duplicates,
        ["max_duplicates"] = MaxDuplicates,
        ["stopped_at"] = StoppedAt,
    }.ToJsonString();
}
