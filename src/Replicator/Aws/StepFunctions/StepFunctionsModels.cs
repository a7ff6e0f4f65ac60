using System.Text.Json.Serialization;

namespace Replicator.Aws.StepFunctions;

public sealed record StartExecutionRequest(string StateMachineArn, string Input, string? Name);

/// <param name="StartDate">Epoch seconds, as the JSON protocol sends timestamps.</param>
public sealed record StartExecutionResponse(string ExecutionArn, double StartDate);

public sealed record ExecutionArnRequest(string ExecutionArn);

/// <param name="Status">RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE.</param>
public sealed record DescribeExecutionResponse(string ExecutionArn, string Status, double StartDate, double? StopDate, string? Output, string? Error, string? Cause)
{
    public const string Running = "RUNNING";
    public const string Succeeded = "SUCCEEDED";
}

public sealed record GetExecutionHistoryRequest(string ExecutionArn, string? NextToken, int MaxResults = 100, bool ReverseOrder = false);

public sealed record GetExecutionHistoryResponse(IReadOnlyList<HistoryEvent> Events, string? NextToken);

/// <param name="Type">e.g. TaskStateEntered, ChoiceStateEntered, ExecutionSucceeded.</param>
public sealed record HistoryEvent(long Id, string Type, double Timestamp, StateEnteredEventDetails? StateEnteredEventDetails);

public sealed record StateEnteredEventDetails(string Name);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StartExecutionRequest))]
[JsonSerializable(typeof(StartExecutionResponse))]
[JsonSerializable(typeof(ExecutionArnRequest))]
[JsonSerializable(typeof(DescribeExecutionResponse))]
[JsonSerializable(typeof(GetExecutionHistoryRequest))]
[JsonSerializable(typeof(GetExecutionHistoryResponse))]
public sealed partial class StepFunctionsJsonContext : JsonSerializerContext;
