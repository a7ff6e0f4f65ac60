namespace Replicator.LocalCloud.StepFunctions;

/// <summary>A task failed with the error name Step Functions would report (what Retry and Catch match on) and its cause.</summary>
public sealed class TaskFailedException(string error, string cause) : Exception($"{error}: {cause}")
{
    public string Error { get; } = error;

    public string Cause { get; } = cause;
}
