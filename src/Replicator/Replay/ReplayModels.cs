using System.Globalization;
using System.Text.Json.Serialization;

namespace Replicator.Replay;

/// <summary>
/// A replay as an operator asks for it (the state machine's input, <c>events/replay.json</c>): the
/// archived records of <c>stream</c> with event time in [from, to), into <c>targetStream</c> in
/// <c>targetRegion</c> (by default the same stream in this region), in <c>lanes</c> parallel lanes,
/// at most <c>recordsPerSecond</c> and <c>bytesPerSecond</c> in all. Starting the same replay again
/// (same <c>replayId</c>, which by default is made from the rest) resumes it.
/// </summary>
public sealed record ReplayRequest(
    string Stream,
    DateTimeOffset From,
    DateTimeOffset To,
    string? TargetStream = null,
    string? TargetRegion = null,
    int Lanes = 1,
    double? RecordsPerSecond = null,
    double? BytesPerSecond = null,
    string? ReplayId = null)
{
    public const int MaxLanes = 64;

    /// <exception cref="Lambda.InvalidFunctionInputException">A field is out of range; the message names it.</exception>
    public ReplayPlan Plan(string thisRegion, string owner, int hours, int objects, long archivedBytes)
    {
        Check(!string.IsNullOrWhiteSpace(Stream), "stream", "is empty");
        Check(From < To, "from", $"({From:O}) is not before to ({To:O})");
        Check(Lanes is >= 1 and <= MaxLanes, "lanes", $"is {Lanes}; it must be 1 to {MaxLanes}");
        Check(RecordsPerSecond is null or > 0, "recordsPerSecond", $"is {RecordsPerSecond}; leave it out for no limit");
        Check(BytesPerSecond is null or > 0, "bytesPerSecond", $"is {BytesPerSecond}; leave it out for no limit");
        var targetStream = TargetStream ?? Stream;
        var targetRegion = TargetRegion ?? thisRegion;
        var id = ReplayId ?? string.Create(
            CultureInfo.InvariantCulture,
            $"{Stream}@{From.UtcDateTime:yyyyMMddTHHmmssZ}-{To.UtcDateTime:yyyyMMddTHHmmssZ}-{targetRegion}-{targetStream}-x{Lanes}");
        return new ReplayPlan(id, Stream, From.ToUniversalTime(), To.ToUniversalTime(), targetStream, targetRegion, Lanes, RecordsPerSecond, BytesPerSecond, owner, hours, objects, archivedBytes, Enumerable.Range(0, Lanes).ToList());
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
    [JsonIgnore]
    public ReplayRange Range => new(Stream, From, To);
}

/// <param name="Execution">The execution's name: the replay's owner while it runs.</param>
public sealed record PlanRequest(ReplayRequest Request, string Execution);

public sealed record LaneRequest(ReplayPlan Plan, int Lane);

public sealed record ReportRequest(ReplayPlan Plan);

/// <param name="Replayed">Records made durable in the target over every run of the replay.</param>
/// <param name="MaxDuplicates">Records resumes may have sent twice, at most (0 for a replay that never stopped midway).</param>
public sealed record ReplayReport(
    string ReplayId,
    string Stream,
    DateTimeOffset From,
    DateTimeOffset To,
    string TargetStream,
    string TargetRegion,
    int Lanes,
    long Replayed,
    long MaxDuplicates,
    int Objects,
    long ArchivedBytes,
    IReadOnlyList<long> ReplayedPerLane);
