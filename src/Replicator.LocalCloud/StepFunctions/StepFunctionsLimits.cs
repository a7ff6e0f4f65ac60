namespace Replicator.LocalCloud.StepFunctions;

/// <summary>
/// What a Standard workflow may not exceed, as the Step Functions developer guide's quotas give them:
/// 25,000 events in an execution's history, 256 KiB of state input or output (UTF-8), and the
/// definition's own <c>TimeoutSeconds</c>. The local harness enforces all three.
/// </summary>
/// <param name="TimeoutOverride">
/// Runs the execution under this timeout instead of the definition's, for a drill that must see the
/// timeout path in seconds rather than an hour: stricter, never kinder, when it is shorter.
/// </param>
public sealed record StepFunctionsLimits(int HistoryEvents = 25_000, int PayloadBytes = 256 * 1024, TimeSpan? TimeoutOverride = null)
{
    public static StepFunctionsLimits Standard { get; } = new();
}
