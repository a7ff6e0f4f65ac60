using Replicator.Lambda;
using Replicator.Lambda.Runtime;

namespace Replicator.LocalCloud;

/// <summary>The invocation context Lambda would give a function, for handlers the local cloud calls in-process.</summary>
public static class LocalLambdaContext
{
    public static ILambdaContext Create(string region, string functionName, string requestId, TimeSpan timeout, TextWriter log)
    {
        var invocation = new Invocation(requestId, DateTimeOffset.UtcNow + timeout, $"arn:aws:lambda:{region}:123456789012:function:{functionName}", null, []);
        var environment = new Dictionary<string, string> { ["AWS_LAMBDA_FUNCTION_NAME"] = functionName };
        return new LambdaContext(invocation, environment, new JsonLinesLogger(log, requestId, TimeProvider.System), TimeProvider.System);
    }
}
