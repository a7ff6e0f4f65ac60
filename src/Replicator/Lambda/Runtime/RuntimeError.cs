using System.Text.Json.Serialization;

namespace Replicator.Lambda.Runtime;

/// <summary>The error document the Runtime API accepts for init and invocation errors.</summary>
public sealed record RuntimeError(
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("errorType")] string ErrorType,
    [property: JsonPropertyName("stackTrace")] IReadOnlyList<string> StackTrace)
{
    public static RuntimeError From(Exception exception) => new(
        exception.Message,
        exception.GetType().Name,
        (exception.StackTrace ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
