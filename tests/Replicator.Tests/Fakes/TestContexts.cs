using Replicator.Lambda;
using Replicator.Lambda.Runtime;

namespace Replicator.Tests.Fakes;

internal static class TestContexts
{
    /// <summary>A context for one invocation with a minute to run, logging into <paramref name="log"/>.</summary>
    public static ILambdaContext Create(TextWriter log)
    {
        var requestId = Guid.NewGuid().ToString();
        var invocation = new Invocation(requestId, DateTimeOffset.UtcNow.AddMinutes(1), "arn:aws:lambda:us-east-1:123456789012:function:relay", null, []);
        return new LambdaContext(invocation, new Dictionary<string, string>(), new JsonLinesLogger(log, requestId, TimeProvider.System), TimeProvider.System);
    }
}
