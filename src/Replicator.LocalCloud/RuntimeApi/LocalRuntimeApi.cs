using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;

namespace Replicator.LocalCloud.RuntimeApi;

/// <summary>
/// A local stand-in for the Lambda Runtime API (2018-06-01) on 127.0.0.1: hands queued events to
/// <c>/invocation/next</c> with the headers Lambda sends, and records responses, invocation errors and
/// init errors. Used to test the bootstrap, in process or as a published binary.
/// </summary>
public sealed class LocalRuntimeApi : IAsyncDisposable
{
    public const string FunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:kinesis-relay";

    private readonly LoopbackHttpServer _server;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationOutcome>> _inFlight = new();
    private readonly TaskCompletionSource<InvocationOutcome> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _firstNext = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();

    private LocalRuntimeApi()
    {
        _server = new LoopbackHttpServer(HandleAsync);
    }

    /// <summary>host:port, the value of <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public string Address => _server.Endpoint.Authority;

    /// <summary>Completes with the error document when the function reports an init error.</summary>
    public Task<InvocationOutcome> InitError => _initError.Task;

    /// <summary>Completes with the <see cref="Stopwatch"/> timestamp of the first <c>/invocation/next</c> request.</summary>
    public Task<long> FirstNextRequest => _firstNext.Task;

    public static LocalRuntimeApi Start() => new();

    /// <summary>Queues one event; completes when the function posts its response or error.</summary>
    public Task<InvocationOutcome> InvokeAsync(byte[] payload, TimeSpan timeout, string? traceId = null)
    {
        var pending = new Pending(Guid.NewGuid().ToString(), payload, DateTimeOffset.UtcNow + timeout, traceId);
        var outcome = new TaskCompletionSource<InvocationOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _inFlight[pending.RequestId] = outcome;
        _queue.Writer.TryWrite(pending);
        return outcome.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var path = context.Request.Url?.AbsolutePath ?? string.Empty;
        var response = context.Response;
        try
        {
            if (context.Request.HttpMethod == "GET" && path == "/2018-06-01/runtime/invocation/next")
            {
                _firstNext.TrySetResult(Stopwatch.GetTimestamp());
                var next = await _queue.Reader.ReadAsync(_stopping.Token).ConfigureAwait(false);
                response.Headers["Lambda-Runtime-Aws-Request-Id"] = next.RequestId;
                response.Headers["Lambda-Runtime-Deadline-Ms"] = next.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = FunctionArn;
                if (next.TraceId is not null)
                {
                    response.Headers["Lambda-Runtime-Trace-Id"] = next.TraceId;
                }

                await WriteAsync(response, 200, next.Payload).ConfigureAwait(false);
                return;
            }

            var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
            var errorType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"];
            if (context.Request.HttpMethod == "POST" && path == "/2018-06-01/runtime/init/error")
            {
                _initError.TrySetResult(new InvocationOutcome(null, Encoding.UTF8.GetString(body), errorType));
                await WriteAsync(response, 202, "{\"status\":\"OK\"}"u8.ToArray()).ConfigureAwait(false);
                return;
            }

            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (context.Request.HttpMethod == "POST" && segments is ["2018-06-01", "runtime", "invocation", var requestId, var kind]
                && _inFlight.TryRemove(requestId, out var outcome))
            {
                outcome.TrySetResult(kind == "response"
                    ? new InvocationOutcome(body, null, null)
                    : new InvocationOutcome(null, Encoding.UTF8.GetString(body), errorType));
                await WriteAsync(response, 202, "{\"status\":\"OK\"}"u8.ToArray()).ConfigureAwait(false);
                return;
            }

            await WriteAsync(response, 404, "{\"errorType\":\"InvalidRequestID\",\"errorMessage\":\"unknown path or request id\"}"u8.ToArray()).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            response.Abort();
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpListenerRequest request)
    {
        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, byte[] body)
    {
        response.StatusCode = status;
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
        response.Close();
    }

    private sealed record Pending(string RequestId, byte[] Payload, DateTimeOffset Deadline, string? TraceId);
}
