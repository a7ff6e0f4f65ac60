namespace Replicator.Lambda.Runtime;

/// <summary>
/// The bootstrap's main loop: build the function named by <c>_HANDLER</c> once, then take events from
/// the Runtime API one at a time until cancelled. A handler exception becomes an invocation error
/// with its type and message; a failure to build the function is an init error. Functions come from
/// the bootstrap's catalog of handlers (the Replicator.Lambda project), and from test doubles in tests;
/// an unset <c>_HANDLER</c> reaches it as an empty name, for it to say which names it serves.
/// </summary>
public sealed class LambdaRuntime(
    RuntimeApiClient runtimeApi,
    IReadOnlyDictionary<string, string> environment,
    Func<string, IReadOnlyDictionary<string, string>, CancellationToken, Task<LambdaHandler>> createFunction,
    TextWriter output,
    TimeProvider clock)
{
    public const string HandlerVariable = "_HANDLER";
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    /// <summary>Returns the process exit code: non-zero when initialization failed.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        LambdaHandler handler;
        try
        {
            var name = environment.TryGetValue(HandlerVariable, out var value) ? value.Trim() : string.Empty;
            handler = await createFunction(name, environment, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            new JsonLinesLogger(output, "init", clock).LogError($"{e.GetType().Name}: {e.Message}");
            await runtimeApi.ReportInitErrorAsync(RuntimeError.From(e), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var invocation = await runtimeApi.NextAsync(cancellationToken).ConfigureAwait(false);
            await InvokeAsync(handler, invocation, cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    private async Task InvokeAsync(LambdaHandler handler, Invocation invocation, CancellationToken cancellationToken)
    {
        // The X-Ray SDKs read the trace header from here; Lambda's managed runtimes set it the same way.
        if (invocation.TraceId is { } traceId)
        {
            Environment.SetEnvironmentVariable(TraceIdVariable, traceId);
        }
        else
        {
            Environment.SetEnvironmentVariable(TraceIdVariable, null);
        }

        var logger = new JsonLinesLogger(output, invocation.RequestId, clock);
        var context = new LambdaContext(invocation, environment, logger, clock);
        byte[] response;
        try
        {
            response = await handler(invocation.Payload, context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError($"{e.GetType().Name}: {e.Message}");
            await runtimeApi.ReportInvocationErrorAsync(invocation.RequestId, RuntimeError.From(e), cancellationToken).ConfigureAwait(false);
            return;
        }

        await runtimeApi.RespondAsync(invocation.RequestId, response, cancellationToken).ConfigureAwait(false);
    }
}
