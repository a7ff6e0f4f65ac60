using System.Text.Json.Serialization;

namespace Replicator.Failover;

/// <summary>EventBridge's "Step Functions Execution Status Change" event, the fields the recovery reads.</summary>
public sealed record ExecutionStatusChange([property: JsonPropertyName("detail")] ExecutionStatusDetail Detail);

/// <param name="Input">The execution's input as a JSON string (the failover's <see cref="FailoverInput"/>).</param>
public sealed record ExecutionStatusDetail(
    [property: JsonPropertyName("executionArn")] string ExecutionArn,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("input")] string Input);

/// <summary>What the recovery found and did.</summary>
/// <param name="Outcome"><see cref="RecoverFunction.NotThisExecution"/>, <see cref="RecoverFunction.Restored"/>, <see cref="RecoverFunction.DnsToTarget"/> or <see cref="RecoverFunction.DnsToSource"/>.</param>
public sealed record RecoverReport(string Outcome, string StreamName, string ExecutionArn, string Status, string? ActiveRegion, string? DnsValue)
{
    /// <summary>The regions whose replica held the execution's claim on the stream, now released.</summary>
    public IReadOnlyList<string> ClaimReleasedIn { get; init; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ExecutionStatusChange))]
[JsonSerializable(typeof(RecoverReport))]
internal sealed partial class RecoverJsonContext : JsonSerializerContext;
