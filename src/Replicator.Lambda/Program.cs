using Replicator.Lambda;
using Replicator.Lambda.Runtime;

// The bootstrap Lambda starts on provided.al2023: one binary serving every function, chosen by _HANDLER.
var environment = EnvironmentSettings.OfThisProcess();

if (!environment.TryGetValue(LambdaRuntime.RuntimeApiVariable, out var runtimeApi) || string.IsNullOrEmpty(runtimeApi))
{
    await Console.Error.WriteLineAsync($"{LambdaRuntime.RuntimeApiVariable} is not set: this program is the Lambda bootstrap and runs inside Lambda (or under a Runtime API emulator).");
    return 2;
}

// The Runtime API long-polls /next, so no client-side timeout.
using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
var runtime = new LambdaRuntime(new RuntimeApiClient(http, runtimeApi), environment, FunctionCatalog.CreateAsync, Console.Out, TimeProvider.System);
return await runtime.RunAsync(CancellationToken.None);
