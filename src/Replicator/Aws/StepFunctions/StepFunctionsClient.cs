using Replicator.Aws.Json;

namespace Replicator.Aws.StepFunctions;

/// <summary>The Step Functions operations the CLI uses to run a deployed state machine, over the JSON 1.0 protocol (AWSSDK.StepFunctions is not available here).</summary>
public sealed class StepFunctionsClient(AwsServiceOptions options)
{
    private static readonly StepFunctionsJsonContext Json = StepFunctionsJsonContext.Default;

    private readonly AwsJsonClient _client = new(options, signingName: "states", targetPrefix: "AWSStepFunctions", jsonVersion: "1.0");

    public Task<StartExecutionResponse> StartExecutionAsync(StartExecutionRequest request, CancellationToken cancellationToken) =>
        _client.SendAsync("StartExecution", request, Json.StartExecutionRequest, Json.StartExecutionResponse, cancellationToken);

    public Task<DescribeExecutionResponse> DescribeExecutionAsync(string executionArn, CancellationToken cancellationToken) =>
        _client.SendAsync("DescribeExecution", new ExecutionArnRequest(executionArn), Json.ExecutionArnRequest, Json.DescribeExecutionResponse, cancellationToken);

    public Task<GetExecutionHistoryResponse> GetExecutionHistoryAsync(GetExecutionHistoryRequest request, CancellationToken cancellationToken) =>
        _client.SendAsync("GetExecutionHistory", request, Json.GetExecutionHistoryRequest, Json.GetExecutionHistoryResponse, cancellationToken);

    /// <summary>The region of a state machine or execution ARN: <c>arn:aws:states:REGION:account:…</c>.</summary>
    public static string RegionOf(string arn) =>
        arn.Split(':') is { Length: >= 6 } parts && parts[2] == "states"
            ? parts[3]
            : throw new ArgumentException($"'{arn}' is not a Step Functions ARN (arn:aws:states:region:account:…).", nameof(arn));
}
