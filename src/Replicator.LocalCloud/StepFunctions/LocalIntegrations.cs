using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.Route53;
using Replicator.Lambda;
using Replicator.LocalCloud.Emulators;

namespace Replicator.LocalCloud.StepFunctions;

/// <summary>
/// Serves a state machine's Task states against the local cloud, the way Step Functions serves them
/// in one region: <c>lambda:invoke</c> with the bootstrap's handlers (in-process, by function name),
/// <c>dynamodb:*</c> passed through unchanged to dynalite, <c>aws-sdk:route53:*</c> against the
/// Route 53 stand-in, and <c>sns:publish</c> into <see cref="LocalTopics"/>. Failures carry the error
/// names Step Functions uses, e.g. <c>DynamoDB.ConditionalCheckFailedException</c>.
/// </summary>
public sealed class LocalIntegrations(
    TwoRegionCloud cloud,
    string region,
    Route53Client? route53,
    LocalTopics topics,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> functionEnvironments,
    TextWriter functionLog)
{
    private const string LambdaInvoke = "arn:aws:states:::lambda:invoke";
    private const string DynamoDbPrefix = "arn:aws:states:::dynamodb:";
    private const string Route53Prefix = "arn:aws:states:::aws-sdk:route53:";
    private const string SnsPublish = "arn:aws:states:::sns:publish";

    private static readonly TimeSpan FunctionTimeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, Lazy<Task<LambdaHandler>>> _functions = new(StringComparer.Ordinal);
    private readonly AwsJsonClient _dynamoDb = new(
        new AwsServiceOptions(region, cloud.Credentials, AwsEnvironment.HttpClient) { EndpointOverride = cloud.Region(region).DynamoDbEndpoint },
        signingName: "dynamodb",
        targetPrefix: "DynamoDB_20120810",
        jsonVersion: "1.0");

    public Task<JsonNode?> InvokeAsync(TaskCall call, CancellationToken cancellationToken) => call.Resource switch
    {
        LambdaInvoke => InvokeFunctionAsync(call, cancellationToken),
        SnsPublish => Task.FromResult<JsonNode?>(Publish(call)),
        _ when call.Resource.StartsWith(DynamoDbPrefix, StringComparison.Ordinal) => DynamoDbAsync(call, cancellationToken),
        _ when call.Resource.StartsWith(Route53Prefix, StringComparison.Ordinal) => Route53Async(call, cancellationToken),
        _ => throw new TaskFailedException("States.TaskFailed", $"State '{call.State}': the local cloud does not serve the resource {call.Resource}."),
    };

    private async Task<JsonNode?> InvokeFunctionAsync(TaskCall call, CancellationToken cancellationToken)
    {
        var name = Required(call, "FunctionName");
        if (!functionEnvironments.TryGetValue(name, out var environment))
        {
            throw new TaskFailedException("Lambda.ResourceNotFoundException", $"Function not found: {name} (the local functions are {string.Join(", ", functionEnvironments.Keys)}).");
        }

        var handler = await _functions.GetOrAdd(name, _ => new Lazy<Task<LambdaHandler>>(() => FunctionCatalog.CreateAsync(name, environment, functionLog, cancellationToken))).Value.ConfigureAwait(false);
        var payload = System.Text.Encoding.UTF8.GetBytes(call.Input?["Payload"]?.ToJsonString() ?? "{}");
        var context = LocalLambdaContext.Create(region, name, Guid.NewGuid().ToString(), FunctionTimeout, functionLog);
        byte[] result;
        try
        {
            result = await handler(payload, context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Step Functions reports an unhandled function error by the function's errorType.
            throw new TaskFailedException(e.GetType().Name, e.Message);
        }

        return new JsonObject
        {
            ["ExecutedVersion"] = "$LATEST",
            ["Payload"] = JsonNode.Parse(result),
            ["StatusCode"] = 200,
        };
    }

    private async Task<JsonNode?> DynamoDbAsync(TaskCall call, CancellationToken cancellationToken)
    {
        var operation = Operation(call.Resource, DynamoDbPrefix);
        try
        {
            var body = System.Text.Encoding.UTF8.GetBytes(call.Input?.ToJsonString() ?? "{}");
            return JsonNode.Parse(await _dynamoDb.SendRawAsync(operation, body, cancellationToken).ConfigureAwait(false));
        }
        catch (AwsServiceException e)
        {
            throw new TaskFailedException("DynamoDB." + e.ErrorCode, e.Message);
        }
    }

    private async Task<JsonNode?> Route53Async(TaskCall call, CancellationToken cancellationToken)
    {
        var operation = Operation(call.Resource, Route53Prefix);
        if (route53 is null)
        {
            throw new TaskFailedException("States.TaskFailed", $"State '{call.State}': this local run has no Route 53 stand-in.");
        }

        try
        {
            return operation switch
            {
                "ChangeResourceRecordSets" => ChangeInfoJson(await route53.ChangeResourceRecordSetsAsync(
                    Required(call, "HostedZoneId"),
                    (string?)call.Input?["ChangeBatch"]?["Comment"],
                    (call.Input?["ChangeBatch"]?["Changes"]?.AsArray() ?? []).Select(c => new RecordChange((string)c!["Action"]!, RecordSet(c["ResourceRecordSet"]!))).ToList(),
                    cancellationToken).ConfigureAwait(false)),
                "GetChange" => ChangeInfoJson(await route53.GetChangeAsync(Required(call, "Id"), cancellationToken).ConfigureAwait(false)),
                "ListResourceRecordSets" => RecordSetPageJson(await route53.ListResourceRecordSetsAsync(
                    Required(call, "HostedZoneId"),
                    (string?)call.Input?["StartRecordName"],
                    (string?)call.Input?["StartRecordType"],
                    (int?)call.Input?["MaxItems"],
                    cancellationToken).ConfigureAwait(false)),
                _ => throw new TaskFailedException("States.TaskFailed", $"State '{call.State}': the local cloud does not serve route53:{operation}."),
            };
        }
        catch (AwsServiceException e)
        {
            // The AWS SDK integration names errors after the SDK's exception classes.
            throw new TaskFailedException($"Route53.{e.ErrorCode}{(e.ErrorCode.EndsWith("Exception", StringComparison.Ordinal) ? "" : "Exception")}", e.Message);
        }
    }

    private JsonObject Publish(TaskCall call) =>
        new() { ["MessageId"] = topics.Publish(Required(call, "TopicArn"), (string?)call.Input?["Subject"], Required(call, "Message")) };

    /// <summary>arn:aws:states:::dynamodb:getItem → GetItem: the service's operation name.</summary>
    private static string Operation(string resource, string prefix)
    {
        var name = resource[prefix.Length..];
        return char.ToUpperInvariant(name[0]) + name[1..];
    }

    private static string Required(TaskCall call, string field) =>
        (string?)call.Input?[field] ?? throw new TaskFailedException("States.Runtime", $"State '{call.State}': its parameters have no '{field}'.");

    private static ResourceRecordSet RecordSet(JsonNode set) => new(
        (string)set["Name"]!,
        (string)set["Type"]!,
        (long?)set["TTL"] ?? 0,
        (set["ResourceRecords"]?.AsArray() ?? []).Select(r => (string)r!["Value"]!).ToList());

    private static JsonObject ChangeInfoJson(ChangeInfo info) => new()
    {
        ["ChangeInfo"] = new JsonObject
        {
            ["Id"] = info.Id,
            ["Status"] = info.Status,
            ["SubmittedAt"] = info.SubmittedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["Comment"] = info.Comment,
        },
    };

    private static JsonObject RecordSetPageJson(RecordSetPage page) => new()
    {
        ["ResourceRecordSets"] = new JsonArray(page.RecordSets.Select(s => (JsonNode)new JsonObject
        {
            ["Name"] = s.Name,
            ["Type"] = s.Type,
            ["TTL"] = s.Ttl,
            ["ResourceRecords"] = new JsonArray(s.Values.Select(v => (JsonNode)new JsonObject { ["Value"] = v }).ToArray()),
        }).ToArray()),
        ["IsTruncated"] = page.IsTruncated,
        ["NextRecordName"] = page.NextRecordName,
        ["NextRecordType"] = page.NextRecordType,
    };
}
