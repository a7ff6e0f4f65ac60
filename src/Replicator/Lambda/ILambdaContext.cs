namespace Replicator.Lambda;

/// <summary>
/// The invocation context, with the member names of Amazon.Lambda.Core's ILambdaContext so that
/// moving to the official package later is a rename. The Amazon.Lambda.* packages are not
/// available to this project, which is the only reason this type exists.
/// </summary>
public interface ILambdaContext
{
    string AwsRequestId { get; }
    string FunctionName { get; }
    string FunctionVersion { get; }
    string InvokedFunctionArn { get; }
    int MemoryLimitInMB { get; }
    TimeSpan RemainingTime { get; }
    string LogGroupName { get; }
    string LogStreamName { get; }
    ILambdaLogger Logger { get; }
}
