using System.Text.Json.Serialization;

namespace Replicator.Lambda.Runtime;

/// <summary>One structured log line, in the field names of Lambda's JSON log format.</summary>
internal sealed record LogLine(
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("level")] string Level,
    [property: JsonPropertyName("requestId")] string RequestId,
    [property: JsonPropertyName("message")] string Message);
