using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Replicator.LocalCloud.StepFunctions;

namespace Replicator.LocalCloud.StandIns;

/// <summary>
/// A local stand-in for the AWS Step Functions API on 127.0.0.1 (JSON 1.0): StartExecution,
/// DescribeExecution and GetExecutionHistory, with the API's shapes and error codes, for state machines
/// registered with a local runner (a <see cref="LocalStateMachine"/> and its integrations). It lets the
/// CLI that starts a deployed machine by its ARN run, unchanged, against the local cloud.
/// </summary>
public sealed class StepFunctionsStandIn : IAsyncDisposable
{
    private const string ErrorNamespace = "com.amazonaws.swf.service.v2.model#";

    private readonly string _region;
    private readonly LoopbackHttpServer _server;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, Func<JsonNode, Action<JsonObject>, CancellationToken, Task<ExecutionResult>>> _machines = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Execution> _executions = new(StringComparer.Ordinal);

    public StepFunctionsStandIn(string region)
    {
        _region = region;
        _server = new LoopbackHttpServer(HandleAsync);
    }

    public Uri Endpoint => _server.Endpoint;

    /// <summary>Makes a state machine startable by the ARN this returns.</summary>
    public string Register(string name, Func<JsonNode, Action<JsonObject>, CancellationToken, Task<ExecutionResult>> run)
    {
        var arn = $"arn:aws:states:{_region}:000000000000:stateMachine:{name}";
        _machines[arn] = run;
        return arn;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(_executions.Values.Select(e => e.Running)).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var target = context.Request.Headers["X-Amz-Target"] ?? "";
        var body = await JsonNode.ParseAsync(context.Request.InputStream).ConfigureAwait(false);
        var (status, answer) = target switch
        {
            "AWSStepFunctions.StartExecution" => Start(body),
            "AWSStepFunctions.DescribeExecution" => Describe(body),
            "AWSStepFunctions.GetExecutionHistory" => History(body),
            _ => Error("UnknownOperationException", $"The local Step Functions stand-in does not serve {target}."),
        };
        var bytes = Encoding.UTF8.GetBytes(answer.ToJsonString());
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/x-amz-json-1.0";
        await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        context.Response.Close();
    }

    private (HttpStatusCode, JsonObject) Start(JsonNode? body)
    {
        var machineArn = (string?)body?["stateMachineArn"] ?? "";
        if (!_machines.TryGetValue(machineArn, out var run))
        {
            return Error("StateMachineDoesNotExist", $"State Machine Does Not Exist: '{machineArn}'");
        }

        JsonNode input;
        try
        {
            input = JsonNode.Parse((string?)body?["input"] ?? "{}") ?? new JsonObject();
        }
        catch (System.Text.Json.JsonException e)
        {
            return Error("InvalidExecutionInput", $"Invalid State Machine Execution Input: '{e.Message}'");
        }

        var name = (string?)body?["name"] ?? Guid.NewGuid().ToString();
        if (Replicator.Aws.StepFunctions.ExecutionName.Problem(name) is { } problem)
        {
            return Error("InvalidName", $"Invalid Name: '{name}' {problem}");
        }

        var arn = machineArn.Replace(":stateMachine:", ":execution:", StringComparison.Ordinal) + ":" + name;
        var execution = new Execution(DateTimeOffset.UtcNow);
        if (!_executions.TryAdd(arn, execution))
        {
            return Error("ExecutionAlreadyExists", $"Execution Already Exists: '{arn}'");
        }

        execution.Running = Task.Run(async () =>
        {
            try
            {
                execution.Finish(await run(input, execution.Record, _stopping.Token).ConfigureAwait(false));
            }
            catch (Exception e)
            {
                execution.Finish(new ExecutionResult("FAILED", null, "States.Runtime", $"{e.GetType().Name}: {e.Message}", []));
            }
        });
        return (HttpStatusCode.OK, new JsonObject { ["executionArn"] = arn, ["startDate"] = Epoch(execution.StartDate) });
    }

    private (HttpStatusCode, JsonObject) Describe(JsonNode? body)
    {
        var arn = (string?)body?["executionArn"] ?? "";
        if (!_executions.TryGetValue(arn, out var execution))
        {
            return Error("ExecutionDoesNotExist", $"Execution Does Not Exist: '{arn}'");
        }

        var result = execution.Result;
        return (HttpStatusCode.OK, new JsonObject
        {
            ["executionArn"] = arn,
            ["status"] = result?.Status ?? "RUNNING",
            ["startDate"] = Epoch(execution.StartDate),
            ["stopDate"] = execution.StopDate is { } stop ? Epoch(stop) : null,
            ["output"] = result?.Output?.ToJsonString(),
            ["error"] = result?.Error,
            ["cause"] = result?.Cause,
        });
    }

    private (HttpStatusCode, JsonObject) History(JsonNode? body)
    {
        var arn = (string?)body?["executionArn"] ?? "";
        if (!_executions.TryGetValue(arn, out var execution))
        {
            return Error("ExecutionDoesNotExist", $"Execution Does Not Exist: '{arn}'");
        }

        var start = body?["nextToken"] is { } token ? int.Parse((string)token!, CultureInfo.InvariantCulture) : 0;
        var max = (int?)body?["maxResults"] is { } m and > 0 ? Math.Min(m, 1000) : 100;
        var events = execution.Events(start, max, reverse: (bool?)body?["reverseOrder"] == true);
        var next = start + events.Count;
        return (HttpStatusCode.OK, new JsonObject
        {
            ["events"] = new JsonArray(events.Select(e => (JsonNode)e.DeepClone()).ToArray()),
            ["nextToken"] = next < execution.EventCount ? next.ToString(CultureInfo.InvariantCulture) : null,
        });
    }

    private static (HttpStatusCode, JsonObject) Error(string code, string message) =>
        (HttpStatusCode.BadRequest, new JsonObject { ["__type"] = ErrorNamespace + code, ["message"] = message });

    private static double Epoch(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>One execution: its history, kept in the API's event shapes, and its result once it ends.</summary>
    private sealed class Execution(DateTimeOffset startDate)
    {
        private readonly List<JsonObject> _events = [];

        public DateTimeOffset StartDate { get; } = startDate;

        public DateTimeOffset? StopDate { get; private set; }

        public ExecutionResult? Result { get; private set; }

        public Task Running { get; set; } = Task.CompletedTask;

        public int EventCount
        {
            get
            {
                lock (_events)
                {
                    return _events.Count;
                }
            }
        }

        public List<JsonObject> Events(int start, int max, bool reverse)
        {
            lock (_events)
            {
                return (reverse ? Enumerable.Reverse(_events) : _events).Skip(start).Take(max).ToList();
            }
        }

        /// <summary>Turns a harness event into the history event Step Functions records for it.</summary>
        public void Record(JsonObject harnessEvent)
        {
            var type = (string?)harnessEvent["type"];
            var state = harnessEvent["state"];
            var historyType = type switch
            {
                "StateEntered" or "StateExited" => $"{(string?)state?["type"]}{type}",
                _ => type,
            };
            lock (_events)
            {
                var historyEvent = new JsonObject
                {
                    ["id"] = _events.Count + 1,
                    ["type"] = historyType,
                    ["timestamp"] = ((long?)harnessEvent["timestamp"] ?? 0) / 1000.0,
                };
                if (type == "StateEntered")
                {
                    historyEvent["stateEnteredEventDetails"] = new JsonObject { ["name"] = (string?)state?["name"] };
                }

                _events.Add(historyEvent);
            }
        }

        public void Finish(ExecutionResult result)
        {
            StopDate = DateTimeOffset.UtcNow;
            Result = result;
        }
    }
}
