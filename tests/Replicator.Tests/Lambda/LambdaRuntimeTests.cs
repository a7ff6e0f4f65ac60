using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Replicator.Lambda;
using Replicator.Lambda.Runtime;
using Replicator.LocalCloud.RuntimeApi;

namespace Replicator.Tests.Lambda;

public sealed class LambdaRuntimeTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly LocalRuntimeApi _runtimeApi = LocalRuntimeApi.Start();
    private readonly HttpClient _http = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _output = new();
    private Task<int>? _loop;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            // Cancelled while waiting for an event the loop throws; cancelled between events it returns.
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }

        await _runtimeApi.DisposeAsync();
        _http.Dispose();
        _stop.Dispose();
    }

    [Fact]
    public async Task Response_is_what_the_handler_returned()
    {
        Start((payload, _, _) => Task.FromResult(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(payload.Span).ToUpperInvariant())));

        var outcome = await _runtimeApi.InvokeAsync("{\"a\":\"b\"}"u8.ToArray(), Timeout).WaitAsync(Timeout);

        Assert.False(outcome.IsError);
        Assert.Equal("{\"A\":\"B\"}", Encoding.UTF8.GetString(outcome.Response!));
    }

    [Fact]
    public async Task Handler_exception_becomes_an_invocation_error_and_the_loop_goes_on()
    {
        var calls = 0;
        Start((_, _, _) => ++calls == 1
            ? throw new InvalidOperationException("target stream 'orders' does not exist")
            : Task.FromResult("{}"u8.ToArray()));

        var failed = await _runtimeApi.InvokeAsync("{}"u8.ToArray(), Timeout).WaitAsync(Timeout);
        var next = await _runtimeApi.InvokeAsync("{}"u8.ToArray(), Timeout).WaitAsync(Timeout);

        Assert.True(failed.IsError);
        Assert.Equal("InvalidOperationException", failed.ErrorType);
        using var error = JsonDocument.Parse(failed.ErrorBody!);
        Assert.Equal("InvalidOperationException", error.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("target stream 'orders' does not exist", error.RootElement.GetProperty("errorMessage").GetString());
        Assert.False(next.IsError);
        Assert.Contains("\"level\":\"ERROR\"", _output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("relya", "_HANDLER 'relya' names no function")]
    [InlineData(null, "_HANDLER is not set")]
    public async Task Unknown_or_unset_handler_is_an_init_error_naming_the_functions_that_exist(string? handler, string expected)
    {
        var runtime = new LambdaRuntime(
            new RuntimeApiClient(_http, _runtimeApi.Address),
            handler is null ? [] : new Dictionary<string, string> { [LambdaRuntime.HandlerVariable] = handler },
            FunctionCatalog.CreateAsync,
            _output,
            TimeProvider.System);

        var exitCode = await runtime.RunAsync(_stop.Token).WaitAsync(Timeout);
        var initError = await _runtimeApi.InitError.WaitAsync(Timeout);

        Assert.Equal(1, exitCode);
        Assert.Equal(nameof(UnknownHandlerException), initError.ErrorType);
        using var error = JsonDocument.Parse(initError.ErrorBody!);
        var message = error.RootElement.GetProperty("errorMessage").GetString();
        Assert.StartsWith(expected, message, StringComparison.Ordinal);
        Assert.Contains("relay", message!.Split(':')[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Context_remaining_time_counts_down_to_the_runtime_deadline()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        TimeSpan? atStart = null, afterWork = null;
        Start(
            (_, context, _) =>
            {
                atStart = context.RemainingTime;
                clock.Advance(TimeSpan.FromSeconds(40));
                afterWork = context.RemainingTime;
                return Task.FromResult("{}"u8.ToArray());
            },
            clock);

        // The deadline header has millisecond precision and is set from the wall clock when queued.
        await _runtimeApi.InvokeAsync("{}"u8.ToArray(), TimeSpan.FromMinutes(1)).WaitAsync(Timeout);

        Assert.InRange(atStart!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(61));
        Assert.Equal(TimeSpan.FromSeconds(40), atStart.Value - afterWork!.Value);
    }

    [Fact]
    public async Task Trace_id_and_request_headers_reach_the_handler()
    {
        string? traceId = null, requestId = null, arn = null, functionName = null;
        Start((_, context, _) =>
        {
            traceId = Environment.GetEnvironmentVariable(LambdaRuntime.TraceIdVariable);
            (requestId, arn, functionName) = (context.AwsRequestId, context.InvokedFunctionArn, context.FunctionName);
            context.Logger.LogInformation("handled");
            return Task.FromResult("{}"u8.ToArray());
        });

        const string trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
        await _runtimeApi.InvokeAsync("{}"u8.ToArray(), Timeout, trace).WaitAsync(Timeout);

        Assert.Equal(trace, traceId);
        Assert.Equal(LocalRuntimeApi.FunctionArn, arn);
        Assert.Equal("kinesis-relay", functionName);
        Assert.False(string.IsNullOrEmpty(requestId));
        using var logLine = JsonDocument.Parse(_output.ToString().Trim().Split('\n')[^1]);
        Assert.Equal(requestId, logLine.RootElement.GetProperty("requestId").GetString());
        Assert.Equal("handled", logLine.RootElement.GetProperty("message").GetString());
    }

    private void Start(LambdaHandler handler, TimeProvider? clock = null)
    {
        var environment = new Dictionary<string, string>
        {
            [LambdaRuntime.HandlerVariable] = "test",
            ["AWS_LAMBDA_FUNCTION_NAME"] = "kinesis-relay",
        };
        var runtime = new LambdaRuntime(
            new RuntimeApiClient(_http, _runtimeApi.Address),
            environment,
            (name, _, _) => name == "test" ? Task.FromResult(handler) : throw new UnknownHandlerException(name, ["test"]),
            _output,
            clock ?? TimeProvider.System);
        _loop = runtime.RunAsync(_stop.Token);
    }
}
