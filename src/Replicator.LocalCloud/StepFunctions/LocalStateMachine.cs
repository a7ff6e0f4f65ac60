using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Replicator.LocalCloud.Emulators;

namespace Replicator.LocalCloud.StepFunctions;

/// <summary>
/// Runs an Amazon States Language definition from <c>statemachines/</c> on aws-local-stepfunctions
/// through <c>local/run-state-machine.js</c>. <c>${Name}</c> placeholders are filled the way SAM's
/// DefinitionSubstitutions fill them. Every Task state calls back into this process, where
/// <c>tasks</c> serves it (see <see cref="LocalIntegrations"/>), so the same definition that deploys
/// runs here against the local cloud, within a Standard workflow's limits (<see cref="StepFunctionsLimits"/>):
/// an execution still running at its <c>TimeoutSeconds</c> ends TIMED_OUT with <c>States.Timeout</c>,
/// one whose history passes 25,000 events or whose state input or output passes 256 KiB ends FAILED,
/// and no Catch of the machine sees any of them.
/// </summary>
public sealed partial class LocalStateMachine
{
    private readonly string _definition;
    private readonly string _name;
    private readonly StepFunctionsLimits _limits;
    private readonly TimeSpan? _timeout;

    public LocalStateMachine(string definitionPath, IReadOnlyDictionary<string, string> substitutions, StepFunctionsLimits? limits = null)
    {
        var text = File.ReadAllText(definitionPath);
        foreach (var (name, value) in substitutions)
        {
            text = text.Replace("${" + name + "}", value, StringComparison.Ordinal);
        }

        if (Placeholder().Match(text) is { Success: true } left)
        {
            throw new ArgumentException($"{definitionPath} has the placeholder {left.Value}, which no substitution fills.", nameof(substitutions));
        }

        _definition = text;
        _name = Path.GetFileName(definitionPath).Split('.')[0];
        _limits = limits ?? StepFunctionsLimits.Standard;
        _timeout = _limits.TimeoutOverride ?? ((int?)JsonNode.Parse(text)!["TimeoutSeconds"] is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
    }

    public async Task<ExecutionResult> RunAsync(
        JsonNode input,
        Func<TaskCall, CancellationToken, Task<JsonNode?>> tasks,
        Action<JsonObject>? onEvent,
        CancellationToken cancellationToken)
    {
        var localDirectory = NodeTooling.LocalDirectory();
        await NodeTooling.EnsureEmulatorsInstalledAsync(localDirectory, cancellationToken).ConfigureAwait(false);
        await using var taskHost = new LoopbackHttpServer(context => AnswerAsync(context, tasks, cancellationToken));
        var requestPath = Path.Combine(Path.GetTempPath(), $"state-machine-{Guid.NewGuid():N}.json");
        try
        {
            var request = new JsonObject
            {
                ["definition"] = JsonNode.Parse(_definition),
                ["input"] = input.DeepClone(),
                ["taskHost"] = taskHost.Endpoint.ToString(),
                ["stateMachineName"] = _name,
                ["executionName"] = Guid.NewGuid().ToString(),
            };
            await File.WriteAllTextAsync(requestPath, request.ToJsonString(), cancellationToken).ConfigureAwait(false);
            return await RunHarnessAsync(localDirectory, requestPath, onEvent, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(requestPath);
        }
    }

    private async Task<ExecutionResult> RunHarnessAsync(string localDirectory, string requestPath, Action<JsonObject>? onEvent, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = localDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add(Path.Combine(localDirectory, "run-state-machine.js"));
        startInfo.ArgumentList.Add(requestPath);
        using var process = Process.Start(startInfo) ?? throw new LocalCloudException("Could not start node for the state machine harness.");
        using var kill = cancellationToken.Register(() => process.Kill(entireProcessTree: true));
        using var deadline = new CancellationTokenSource();
        if (_timeout is { } timeout)
        {
            deadline.CancelAfter(timeout);
        }

        using var timeoutKill = deadline.Token.Register(() => Stop(process));
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        var events = new List<JsonObject>();
        var history = new ExecutionHistory();
        ExecutionResult? overLimit = null;
        while (overLimit is null && await process.StandardOutput.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
        {
            if (JsonNode.Parse(line) is not JsonObject executionEvent)
            {
                continue;
            }

            events.Add(executionEvent);
            onEvent?.Invoke(executionEvent);
            overLimit = OverLimit(executionEvent, history.Add(executionEvent), events);
        }

        if (overLimit is not null)
        {
            Stop(process);
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var last = events.LastOrDefault();
        return overLimit ?? ((string?)last?["type"]) switch
        {
            "ExecutionSucceeded" => new ExecutionResult(ExecutionResult.Succeeded, last!["output"]?.DeepClone(), null, null, events),
            "ExecutionFailed" => new ExecutionResult("FAILED", null, (string?)last!["Error"], (string?)last["Cause"], events),
            "ExecutionAborted" => new ExecutionResult("ABORTED", null, null, null, events),
            _ when deadline.IsCancellationRequested => new ExecutionResult(
                ExecutionResult.TimedOut, null, "States.Timeout", $"The execution ran past its TimeoutSeconds ({_timeout!.Value.TotalSeconds:0.###} s).", events),
            _ => throw new LocalCloudException(
                $"The state machine harness ended (exit code {process.ExitCode}) without an execution result: {(string?)last?["cause"] ?? await stderr.ConfigureAwait(false)}"),
        };
    }

    /// <summary>Ends the execution where it is, as Step Functions ends one at a limit: no state after it runs.</summary>
    private static void Stop(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
    }

    /// <summary>The failure a Standard workflow ends in when this event passes one of its limits, or null.</summary>
    private ExecutionResult? OverLimit(JsonObject executionEvent, int historyEvents, List<JsonObject> events)
    {
        if (historyEvents > _limits.HistoryEvents)
        {
            // AWS documents that the execution fails; it names no error a Catch could see, and neither does this.
            return new ExecutionResult("FAILED", null, "ExecutionHistoryLimitExceeded", $"The execution's history reached {_limits.HistoryEvents:N0} events.", events);
        }

        var state = executionEvent["state"];
        foreach (var (what, payload) in new[] { ("input", state?["input"]), ("output", state?["output"]) })
        {
            if (payload is not null && Encoding.UTF8.GetByteCount(payload.ToJsonString()) is var bytes && bytes > _limits.PayloadBytes)
            {
                return new ExecutionResult(
                    "FAILED", null, "States.DataLimitExceeded", $"The {what} of state {(string?)state!["name"]} is {bytes:N0} bytes, over the {_limits.PayloadBytes:N0} a state may take.", events);
            }
        }

        return null;
    }

    /// <summary>Answers one of the harness's task calls: 200 with the output, or 400 with the error name and cause Step Functions would report.</summary>
    private static async Task AnswerAsync(HttpListenerContext context, Func<TaskCall, CancellationToken, Task<JsonNode?>> tasks, CancellationToken cancellationToken)
    {
        JsonObject answer;
        try
        {
            var body = await JsonNode.ParseAsync(context.Request.InputStream, cancellationToken: cancellationToken).ConfigureAwait(false);
            var call = new TaskCall((string)body!["state"]!, (string)body["resource"]!, body["input"]?.DeepClone());
            answer = new JsonObject { ["output"] = await tasks(call, cancellationToken).ConfigureAwait(false) };
            context.Response.StatusCode = 200;
        }
        catch (TaskFailedException e)
        {
            answer = new JsonObject { ["error"] = e.Error, ["cause"] = e.Cause };
            context.Response.StatusCode = 400;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // What Step Functions reports for a task that failed without a service error name.
            answer = new JsonObject { ["error"] = "States.TaskFailed", ["cause"] = $"{e.GetType().Name}: {e.Message}" };
            context.Response.StatusCode = 400;
        }
        catch (OperationCanceledException)
        {
            context.Response.Abort();
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(answer.ToJsonString());
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync(bytes, CancellationToken.None).ConfigureAwait(false);
        context.Response.Close();
    }

    [GeneratedRegex(@"\$\{[A-Za-z0-9_]+\}")]
    private static partial Regex Placeholder();
}
