namespace Replicator.Lambda.Runtime;

/// <summary>The context of one invocation, built from the Runtime API's headers and the function's environment.</summary>
public sealed class LambdaContext(Invocation invocation, IReadOnlyDictionary<string, string> environment, ILambdaLogger logger, TimeProvider clock)
    : ILambdaContext
{
    public string AwsRequestId => invocation.RequestId;

    public string FunctionName => Setting("AWS_LAMBDA_FUNCTION_NAME");

    public string FunctionVersion => Setting("AWS_LAMBDA_FUNCTION_VERSION");

    public string InvokedFunctionArn => invocation.InvokedFunctionArn;

    public int MemoryLimitInMB => int.TryParse(Setting("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), out var megabytes) ? megabytes : 0;

    public TimeSpan RemainingTime
    {
        get
        {
            var remaining = invocation.Deadline - clock.GetUtcNow();
            return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }
    }

    public string LogGroupName => Setting("AWS_LAMBDA_LOG_GROUP_NAME");

    public string LogStreamName => Setting("AWS_LAMBDA_LOG_STREAM_NAME");

    public ILambdaLogger Logger => logger;

    private string Setting(string name) => environment.TryGetValue(name, out var value) ? value : string.Empty;
}
