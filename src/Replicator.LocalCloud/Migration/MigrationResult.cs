using System.Text.Json.Nodes;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;

namespace Replicator.LocalCloud.Migration;

/// <param name="SeedRelayed">Records seed 004's relay copied before it was stopped.</param>
/// <param name="SeedWatermark">The lastReplicatedCommitTimestamp seed 004's relay left, as it wrote it.</param>
/// <param name="Watermark">The lastReplicatedCommitTimestamp after this relay caught up.</param>
public sealed record MigrationResult(ReplicationCheck Check, long SeedRelayed, string? SeedWatermark, string? Watermark)
{
    /// <summary>Nothing lost or reordered, and this relay's watermark replaced the one seed 004 wrote.</summary>
    public bool Passed => Check.Passed && SeedRelayed > 0 && WatermarkIsThisRelays;

    private bool WatermarkIsThisRelays => Watermark is not null && !StoredWatermark.From(Watermark).IsForeign;

    /// <summary>The figures line of <c>replicator drill migrate</c> (DESIGN.md, "Commands and figures").</summary>
    public string FiguresJson() => new JsonObject
    {
        ["records"] = Check.Produced,
        ["lost"] = Check.Missing,
        ["order_violations"] = Check.OrderViolations,
        ["duplicates"] = Check.Duplicates,
        ["seed_relayed"] = SeedRelayed,
        ["seed_watermark"] = SeedWatermark,
        ["watermark"] = Watermark,
    }.ToJsonString();
}
