using System.Globalization;
using System.Text.Json.Serialization;

namespace Replicator.Replay;

/// <summary>
/// A replay as an operator asks for it (the state machine's input, <c>events/replay.json</c>): the
/// archived records of <c>stream</c> with event time in [from, to), into <c>targetStream</c> in
/// <c>targetRegion</c> (by default the same stream in this region), in <c>lanes</c> parallel lanes,
/// at most <c>recordsPerSecond</c> and <c>bytesPerSecond</c> in all. Starting the same replay again
/// (same <c>replayId</c>, which by default is made from the rest) resumes it. With <c>atRisk</c>
/// instead of from and to (the alarm trigger's input, <c>events/replay-at-risk.json</c>), the plan
/// works the range out: see <see cref="AtRiskRange"/>. With <c>tenant</c>, only that tenant's records
/// (the archive's prefixes for it, and its records among those over Firehose's partition quota).
/// </summary>
public sealed record ReplayRequest(
    string Stream,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? TargetStream = null,
    string? TargetRegion = null,
    int Lanes = 1,
    double? RecordsPerSecond = null,
    double? BytesPerSecond = null,
    string? ReplayId = null,
    bool AtRisk = false,
    string? Tenant = null)
{
    /// <summary>Each lane owns at least one of the archive's buckets.</summary>
    public const int MaxLanes = Archive.ArchiveBuckets.Count;
    public const int MinBytesPerSecondPerLane = 65_536;

    /// <summary>The range asked for; null with <c>atRisk</c>, whose range the plan works out.</summary>
    /// <exception cref="Lambda.InvalidFunctionInputException">from or to is missing, or given with atRisk.</exception>
    public (DateTimeOffset From, DateTimeOffset To)? Range()
    {
        if (AtRisk)
        {
            Check(From is null && To is null, "atRisk", "works out from and to itself; leave them out");
            return null;
        }

        return (From ?? throw Missing("from"), To ?? throw Missing("to"));

        static Lambda.InvalidFunctionInputException Missing(string field) =>
            new($"replay-plan: {field} is missing; give from and to, or atRisk to replay what the target is about to lose.");
    }

    /// <param name="range">The range asked for, or the one worked out for <c>atRisk</c>.</param>
    /// <exception cref="Lambda.InvalidFunctionInputException">A field is out of range; the message names it.</exception>
    public ReplayPlan Plan(string thisRegion, string owner, (DateTimeOffset From, DateTimeOffset To) range, int hours, int objects, long archivedBytes)
    {
        var (from, to) = range;
        Check(!string.IsNullOrWhiteSpace(Stream), "stream", "is empty");
        Check(Tenant is null || Archive.TenantPrefix.IsSafe(Tenant), "tenant", $"'{Tenant}' is not a tenant id as the archive names them (letters, digits, '-', '_', '.')");
        Check(from < to, "from", $"({from:O}) is not before to ({to:O})");
        Check(Lanes is >= 1 and <= MaxLanes, "lanes", $"is {Lanes}; it must be 1 to {MaxLanes}");
        // Each lane gets its share of the limits, and a chunk must not wait longer than an invocation has left.
        Check(RecordsPerSecond is null || RecordsPerSecond >= Lanes, "recordsPerSecond", $"is {RecordsPerSecond}; with {Lanes} lanes it must be at least {Lanes} (one record per second per lane), or left out for no limit");
        Check(BytesPerSecond is null || BytesPerSecond >= Lanes * MinBytesPerSecondPerLane, "bytesPerSecond", $"is {BytesPerSecond}; with {Lanes} lanes it must be at least {Lanes * MinBytesPerSecondPerLane} ({MinBytesPerSecondPerLane} per lane, so a 1 MiB record waits at most 16 s), or left out for no limit");
        var targetStream = TargetStream ?? Stream;
        var targetRegion = TargetRegion ?? thisRegion;
        var id = ReplayId ?? string.Create(
            CultureInfo.InvariantCulture,
            $"{Stream}@{from.UtcDateTime:yyyyMMddTHHmmssZ}-{to.UtcDateTime:yyyyMMddTHHmmssZ}-{targetRegion}-{targetStream}-x{Lanes}{(Tenant is null ? "" : $"-tenant={Tenant}")}");
        return new ReplayPlan(id, Stream, from.ToUniversalTime(), to.ToUniversalTime(), targetStream, targetRegion, Lanes, RecordsPerSecond, BytesPerSecond, owner, hours, objects, archivedBytes, Enumerable.Range(0, Lanes).ToList())
        {
            Tenant = Tenant,
        };
    }

    private static void Check(bool valid, string field, string problem)
    {
        if (!valid)
        {
            throw new Lambda.InvalidFunctionInputException($"replay-plan: {field} {problem}.");
        }
    }
}

/// <summary>A replay ready to run: its id, the execution that owns it, what the archive holds for it, and one Map item per lane.</summary>
public sealed record ReplayPlan(
    string ReplayId,
    string Stream,
    DateTimeOffset From,
    DateTimeOffset To,
    string TargetStream,
    string TargetRegion,
    int Lanes,
    double? RecordsPerSecond,
    double? BytesPerSecond,
    string Owner,
    int Hours,
    int Objects,
    long ArchivedBytes,
    IReadOnlyList<int> LaneNumbers)
{
    /// <summary>The one tenant replayed, or null for all.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Tenant { get; init; }

    [JsonIgnore]
    public ReplayRange Range => new(Stream, From, To, Tenant);
}

/// <param name="Execution">The execution's name: the replay's owner while it runs.</param>
public sealed record PlanRequest(ReplayRequest Request, string Execution);

public sealed record LaneRequest(ReplayPlan Plan, int Lane);

public sealed record ReportRequest(ReplayPlan Plan);

/// <param name="Plan">The replay reported on, as planned.</param>
/// <param name="Replayed">Records made durable in the target over every run of the replay.</param>
/// <param name="MaxDuplicates">Records resumes may have sent twice, at most (0 for a replay that never stopped midway).</param>
public sealed record ReplayReport(ReplayPlan Plan, long Replayed, long MaxDuplicates, IReadOnlyList<long> ReplayedPerLane);
