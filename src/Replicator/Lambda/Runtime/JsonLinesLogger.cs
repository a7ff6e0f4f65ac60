using System.Globalization;
using System.Text.Json;

namespace Replicator.Lambda.Runtime;

/// <summary>
/// Writes one JSON object per line to the function's output, which Lambda ships to CloudWatch Logs.
/// Every line carries the request id, so one invocation's lines can be found together.
/// </summary>
public sealed class JsonLinesLogger(TextWriter output, string requestId, TimeProvider clock) : ILambdaLogger
{
    public void LogInformation(string message) => Write("INFO", message);

    public void LogWarning(string message) => Write("WARN", message);

    public void LogError(string message) => Write("ERROR", message);

    private void Write(string level, string message)
    {
        var line = JsonSerializer.Serialize(
            new LogLine(clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), level, requestId, message),
            RuntimeJsonContext.Default.LogLine);
        lock (output)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
