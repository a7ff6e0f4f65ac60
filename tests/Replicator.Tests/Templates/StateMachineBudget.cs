using System.Text.Json.Nodes;
using Replicator.LocalCloud.StepFunctions;

namespace Replicator.Tests.Templates;

/// <summary>
/// The longest a run through an ASL definition can take and the most history it can write, from its
/// states' own bounds (Step Functions developer guide: a Task without TimeoutSeconds waits 99,999,999 s;
/// a retrier defaults to IntervalSeconds 1, MaxAttempts 3, BackoffRate 2, and FULL jitter waits at most
/// the full interval). A loop is followed once; the caller adds what its further rounds cost.
/// </summary>
public sealed class StateMachineBudget(JsonObject definition, IReadOnlyDictionary<string, double> secondsPathBounds)
{
    private readonly JsonObject _states = definition["States"]!.AsObject();

    public JsonObject State(string name) => _states[name]!.AsObject();

    /// <summary>Worst-case seconds in one state: every attempt of a Task up to its timeout, and every retry's wait.</summary>
    public double Seconds(string name)
    {
        var state = State(name);
        switch ((string)state["Type"]!)
        {
            case "Task":
                var timeout = (double?)state["TimeoutSeconds"] ?? throw new InvalidOperationException($"Task {name} has no TimeoutSeconds: Step Functions would wait for it 99,999,999 s.");
                return Attempts(state) * timeout + Retriers(state).Sum(RetryWaits);
            case "Wait":
                return (double?)state["Seconds"] ?? secondsPathBounds[(string)state["SecondsPath"]!];
            default:
                return 0;
        }
    }

    /// <summary>History events of one pass through a state, as <see cref="ExecutionHistory"/> counts them (every attempt of a Task).</summary>
    public int Events(string name) => (string)State(name)["Type"]! == "Task" ? 2 + (3 * Attempts(State(name))) : 2;

    /// <summary>The longest run from <paramref name="from"/> to the end, with loops followed once: seconds, or history events.</summary>
    public double Longest(string from, Func<string, double> cost) => Longest(from, cost, []);

    public static IEnumerable<string> Next(JsonObject state) =>
        new[] { (string?)state["Next"], (string?)state["Default"] }
            .Concat(state["Choices"]?.AsArray().Select(c => (string?)c!["Next"]) ?? [])
            .Concat(state["Catch"]?.AsArray().Select(c => (string?)c!["Next"]) ?? [])
            .OfType<string>()
            .Distinct();

    /// <summary>Every simple path, not memoised: a state's longest continuation depends on the path that reached it.</summary>
    private double Longest(string name, Func<string, double> cost, HashSet<string> onPath)
    {
        onPath.Add(name);
        var longest = cost(name) + Next(State(name)).Where(n => !onPath.Contains(n)).Select(n => Longest(n, cost, onPath)).DefaultIfEmpty(0).Max();
        onPath.Remove(name);
        return longest;
    }

    private static int Attempts(JsonObject task) => 1 + Retriers(task).Sum(r => (int?)r["MaxAttempts"] ?? 3);

    private static IEnumerable<JsonObject> Retriers(JsonObject task) => task["Retry"]?.AsArray().Select(r => r!.AsObject()) ?? [];

    private static double RetryWaits(JsonObject retrier)
    {
        var (interval, backoff, cap) = ((double?)retrier["IntervalSeconds"] ?? 1, (double?)retrier["BackoffRate"] ?? 2, (double?)retrier["MaxDelaySeconds"] ?? double.MaxValue);
        return Enumerable.Range(0, (int?)retrier["MaxAttempts"] ?? 3).Sum(k => Math.Min(interval * Math.Pow(backoff, k), cap));
    }
}
