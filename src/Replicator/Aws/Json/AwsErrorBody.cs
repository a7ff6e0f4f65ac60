using System.Text.Json.Serialization;

namespace Replicator.Aws.Json;

/// <summary>The error document of the AWS JSON protocols.</summary>
internal sealed record AwsErrorBody(
    [property: JsonPropertyName("__type")] string? Type,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("Message")] string? UpperMessage);
