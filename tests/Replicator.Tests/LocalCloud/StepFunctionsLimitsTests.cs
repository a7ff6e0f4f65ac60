using System.Text.Json.Nodes;
using Replicator.LocalCloud.StepFunctions;

namespace Replicator.Tests.LocalCloud;

/// <summary>
/// The local Step Functions harness is held to a Standard workflow's limits (Step Functions developer
/// guide, quotas and "Handling errors"): a timed-out execution ends TIMED_OUT with States.Timeout and
/// runs nothing after, whatever its Catch says; more than 25,000 history events or a state input or
/// output over 256 KiB fail it.
/// </summary>
[Collection(LocalCloudCollection.Name)]
public sealed class StepFunctionsLimitsTests
{
    [Fact]
    public async Task An_execution_past_its_TimeoutSeconds_times_out_and_runs_no_state_after()
    {
        var definition = Machine(timeoutSeconds: 1, new JsonObject
        {
            ["Slow"] = new JsonObject { ["Type"] = "Wait", ["Seconds"] = 3, ["Next"] = "Done" },
        });

        var result = await RunAsync(definition, new JsonObject(), StepFunctionsLimits.Standard);

        Assert.Equal((ExecutionResult.TimedOut, "States.Timeout"), (result.Status, result.Error));
        Assert.DoesNotContain("Done", result.StatesEntered);
    }

    [Fact]
    public async Task A_shorter_timeout_override_applies_in_place_of_the_definitions()
    {
        var definition = Machine(timeoutSeconds: 3600, new JsonObject
        {
            ["Slow"] = new JsonObject { ["Type"] = "Wait", ["Seconds"] = 3, ["Next"] = "Done" },
        });

        var result = await RunAsync(definition, new JsonObject(), new StepFunctionsLimits(TimeoutOverride: TimeSpan.FromSeconds(1)));

        Assert.Equal(ExecutionResult.TimedOut, result.Status);
    }

    [Fact]
    public async Task A_loop_that_outgrows_the_history_fails_the_execution()
    {
        var definition = Machine(timeoutSeconds: 60, new JsonObject
        {
            ["Slow"] = new JsonObject { ["Type"] = "Pass", ["Next"] = "Again" },
            ["Again"] = new JsonObject
            {
                ["Type"] = "Choice",
                ["Choices"] = new JsonArray(new JsonObject { ["Variable"] = "$.stop", ["IsPresent"] = true, ["Next"] = "Done" }),
                ["Default"] = "Slow",
            },
        });

        var result = await RunAsync(definition, new JsonObject(), new StepFunctionsLimits(HistoryEvents: 200));

        Assert.Equal(("FAILED", "ExecutionHistoryLimitExceeded"), (result.Status, result.Error));
        var history = new ExecutionHistory();
        foreach (var executionEvent in result.Events)
        {
            history.Add(executionEvent);
        }

        Assert.InRange(history.Events, 201, 203);
    }

    [Fact]
    public async Task A_task_output_over_256_KiB_fails_the_execution_and_its_catch_does_not_see_it()
    {
        var definition = Machine(timeoutSeconds: 60, new JsonObject
        {
            ["Slow"] = new JsonObject
            {
                ["Type"] = "Task",
                ["Resource"] = "arn:aws:states:::lambda:invoke",
                ["Parameters"] = new JsonObject { ["FunctionName"] = "large-answer" },
                ["Catch"] = new JsonArray(new JsonObject { ["ErrorEquals"] = new JsonArray("States.ALL"), ["Next"] = "Caught" }),
                ["Next"] = "Done",
            },
            ["Caught"] = new JsonObject { ["Type"] = "Fail", ["Error"] = "Caught" },
        });

        var result = await RunAsync(definition, new JsonObject(), StepFunctionsLimits.Standard, new JsonObject { ["text"] = new string('x', 300 * 1024) });

        Assert.Equal(("FAILED", "States.DataLimitExceeded"), (result.Status, result.Error));
        Assert.Contains("output of state Slow", result.Cause, StringComparison.Ordinal);
        Assert.DoesNotContain("Caught", result.StatesEntered);
    }

    private static JsonObject Machine(int timeoutSeconds, JsonObject states)
    {
        states["Done"] = new JsonObject { ["Type"] = "Succeed" };
        return new JsonObject { ["StartAt"] = "Slow", ["TimeoutSeconds"] = timeoutSeconds, ["States"] = states };
    }

    private static async Task<ExecutionResult> RunAsync(JsonObject definition, JsonObject input, StepFunctionsLimits limits, JsonNode? taskOutput = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"limits-{Guid.NewGuid():N}.asl.json");
        await File.WriteAllTextAsync(path, definition.ToJsonString());
        try
        {
            return await new LocalStateMachine(path, new Dictionary<string, string>(), limits)
                .RunAsync(input, (_, _) => Task.FromResult(taskOutput?.DeepClone()), null, CancellationToken.None);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
