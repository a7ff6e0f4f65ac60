using System.Text;
using System.Text.Json;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;

namespace Replicator.LocalCloud.Demo;

public sealed record DemoResult(
    ReplicationCheck Check,
    int Shards,
    IReadOnlyList<ShardResult> ShardResults,
    DateTimeOffset? ReplicatedUpTo,
    TimeSpan Wall,
    InjectedFaults? Faults = null,
    LimitsHit? Limits = null,
    long Killed = 0)
{
    public bool CheckpointsAtTails => ShardResults.All(s => s.CheckpointAtTail);

    public bool Passed => Check.Passed && CheckpointsAtTails;

    /// <summary>The one-line figures <c>replicator demo</c> ends with (DESIGN.md, "Commands and figures").</summary>
    public string DemoFiguresJson() => FiguresJson(
        ("produced", Check.Produced),
        ("replicated", Check.Found),
        ("missing", Check.Missing),
        ("order_violations", Check.OrderViolations),
        ("shards", Shards),
        ("seconds", Math.Round(Wall.TotalSeconds, 2)));

    /// <summary>The one-line figures <c>replicator drill chaos</c> ends with.</summary>
    public string ChaosFiguresJson() => FiguresJson(
        ("records", Check.Produced),
        ("lost", Check.Missing),
        ("order_violations", Check.OrderViolations),
        ("duplicates", Check.Duplicates),
        ("injected_failures", Faults?.Failures ?? 0),
        ("crashes", Faults?.Crashes ?? 0),
        ("killed", Killed),
        ("throttled", Limits?.ThrottledRecords ?? 0),
        ("reordered_requests", Limits?.ReorderedRequests ?? 0),
        ("throttled_table_writes", Limits?.ThrottledTableWrites ?? 0));

    private static string FiguresJson(params (string Name, double Value)[] figures)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (name, value) in figures)
            {
                json.WriteNumber(name, value);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>One source shard: its tail, and the checkpoint the relay wrote for region B.</summary>
public sealed record ShardResult(string ShardId, int Records, string? TailSequenceNumber, ShardCheckpoint? Checkpoint)
{
    public bool CheckpointAtTail => TailSequenceNumber is null ? Checkpoint is null : Checkpoint?.SequenceNumber == TailSequenceNumber;
}

/// <summary>What the fault injection did during a run; a stall ends in a kill at the relay's timeout.</summary>
public sealed record InjectedFaults(long FailedRecords, long ThrottledRequests, long Crashes, long Stalls)
{
    public long Failures => FailedRecords + ThrottledRequests;
}

/// <summary>What the strict local cloud did during a run, in both regions: Kinesis records and reads refused, requests landed out of order, and DynamoDB writes refused for a partition key's limit.</summary>
public sealed record LimitsHit(long ThrottledRecords, long ThrottledReads, long ReorderedRequests, long ThrottledTableWrites)
{
    public static LimitsHit Of(Emulators.TwoRegionCloud cloud) => cloud.Regions
        .Select(cloud.Kinesis)
        .Aggregate(
            new LimitsHit(0, 0, 0, cloud.ThrottledTableWrites),
            (sum, k) => sum with { ThrottledRecords = sum.ThrottledRecords + k.ThrottledRecords, ThrottledReads = sum.ThrottledReads + k.ThrottledReads, ReorderedRequests = sum.ReorderedRequests + k.ReorderedRequests });

    public LimitsHit Since(LimitsHit before) =>
        new(ThrottledRecords - before.ThrottledRecords, ThrottledReads - before.ThrottledReads, ReorderedRequests - before.ReorderedRequests, ThrottledTableWrites - before.ThrottledTableWrites);
}
