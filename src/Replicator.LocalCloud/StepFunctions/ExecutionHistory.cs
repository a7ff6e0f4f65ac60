using System.Text.Json.Nodes;

namespace Replicator.LocalCloud.StepFunctions;

/// <summary>
/// Counts an execution's history events as Step Functions records them, from the coarser events of
/// aws-local-stepfunctions: execution started and ended, each state entered and exited, and for a
/// Task three more per attempt (scheduled, started, succeeded or failed). A Lambda task polled in a
/// loop with a Choice and a Wait is so about nine events a round.
/// </summary>
public sealed class ExecutionHistory
{
    public int Events { get; private set; }

    /// <summary>Counts one event of the local harness and returns the history's length.</summary>
    public int Add(JsonObject harnessEvent)
    {
        var taskState = (string?)harnessEvent["state"]?["type"] == "Task";
        Events += (string?)harnessEvent["type"] switch
        {
            "StateEntered" => taskState ? 1 + 3 : 1,
            "StateRetried" => 3,
            "StateExited" or "StateFailed" => 1,
            "ExecutionStarted" or "ExecutionSucceeded" or "ExecutionFailed" or "ExecutionTerminated" => 1,
            "MapIterationStarted" or "MapIterationSucceeded" or "MapIterationFailed" => 1,
            "ParallelBranchStarted" or "ParallelBranchSucceeded" or "ParallelBranchFailed" => 1,
            _ => 0,
        };
        return Events;
    }
}
