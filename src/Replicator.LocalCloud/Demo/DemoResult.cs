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
    TimeSpan Wall)
{
    public bool CheckpointsAtTails => ShardResults.All(s => s.CheckpointAtTail);

    public bool Passed => Check.Passed && CheckpointsAtTails;

    /// <summary>The one-line figures the demo ends with (DESIGN.md, "Commands and figures").</summary>
    public string FiguresJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("produced", Check.Produced);
            json.WriteNumber("replicated", Check.Found);
            json.WriteNumber("missing", Check.Missing);
            json.WriteNumber("order_violations", Check.OrderViolations);
            json.WriteNumber("shards", Shards);
            json.WriteNumber("seconds", Math.Round(Wall.TotalSeconds, 2));
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
