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
/// runs here against the local cloud.
/// </summary>
public sealed partial class LocalStateMachine
{
    private readonly string _definition;
    private readonly string _name;

    public LocalStateMachine(string definitionPath, IReadOnlyDictionary<string, string> substitutions)
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

    private static async Task<ExecutionResult> RunHarnessAsync(string localDirectory, string requestPath, Action<JsonObject>? onEvent, CancellationToken cancellationToken)
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
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        var events = new List<JsonObject>();
        while (await process.StandardOutput.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
        {
            if (JsonNode.Parse(line) is JsonObject executionEvent)
            {
                events.Add(executionEvent);
                onEvent?.Invoke(executionEvent);
            }
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var last = events.LastOrDefault();
        return (string?)last?["type"] switch
        {
            "ExecutionSucceeded" => new ExecutionResult(ExecutionResult.Succeeded, last!["output"]?.DeepClone(), null, null, events),
            "ExecutionFailed" => new ExecutionResult("FAILED", null, (string?)last!["Error"], (string?)last["Cause"], events),
            "ExecutionAborted" => new ExecutionResult("ABORTED", null, null, null, events),
            _ => throw new LocalCloudException(
                $"The state machine harness ended (exit code {process.ExitCode}) without an execution result: {(string?)last?["cause"] ?? await stderr.ConfigureAwait(false)}"),
        };
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
