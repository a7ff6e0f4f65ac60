namespace Replicator.Lambda;

/// <summary>Mirrors Amazon.Lambda.Core's ILambdaLogger member names.</summary>
public interface ILambdaLogger
{
    void LogInformation(string message);
    void LogWarning(string message);
    void LogError(string message);
}
