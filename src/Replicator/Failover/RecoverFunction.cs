using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.Route53;
using Replicator.Lambda;
using static Replicator.Lambda.EnvironmentSettings;

namespace Replicator.Failover;

/// <summary>
/// The failover machine's safety net (handler <c>failover-recover</c>), run by an EventBridge rule when
/// one of its executions ends ABORTED, TIMED_OUT or FAILED. An execution stopped by an operator, or
/// ended by a Step Functions limit, runs no Catch, so it may leave the stream draining or fenced with
/// the producers' DNS record on the hold value. If the config item still belongs to that execution, the
/// recovery puts the stream back to active in the source (a conditional write on the version it read)
/// and DNS back to the source; if the execution had already flipped, it points DNS at the target.
/// Anything another execution owns is left alone. Last, it releases the execution's claim on the stream
/// in every region's replica, which would otherwise block the next failover until it expires.
/// </summary>
public sealed class RecoverFunction(IAmazonDynamoDB dynamoDb, string configTable, IngressDns dns, FailoverClaims claims)
{
    public const string NotThisExecution = "not-this-execution";
    public const string Restored = "restored";
    public const string DnsToTarget = "dns-to-target";
    public const string DnsToSource = "dns-to-source";

    public static LambdaHandler CreateHandler(IReadOnlyDictionary<string, string> environment)
    {
        var region = Required(environment, RecoverEnvironment.Region);
        var credentials = AwsEnvironment.Credentials(environment);
        return new RecoverFunction(
            DynamoDbClients.Create(region, credentials, ServiceEndpoints.Resolve(environment, AwsServiceId.DynamoDb, RecoverEnvironment.DynamoDbEndpoint)),
            Required(environment, RecoverEnvironment.ConfigTable),
            IngressDns.Create(region, credentials, ServiceEndpoints.Resolve(environment, AwsServiceId.Route53, RecoverEnvironment.Route53Endpoint)),
            new FailoverClaims(ConfigReplicas.From(environment), TimeProvider.System)).HandleAsync;
    }

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        var change = FunctionInput.Read(payload, RecoverJsonContext.Default.ExecutionStatusChange, "failover-recover");
        var input = FunctionInput.Read(System.Text.Encoding.UTF8.GetBytes(change.Detail.Input), FailoverJsonContext.Default.FailoverInput, "failover-recover (detail.input)");
        var report = await RecoverAsync(change.Detail, input, cancellationToken).ConfigureAwait(false);
        context.Logger.LogInformation(
            $"Failover {change.Detail.ExecutionArn} ended {change.Detail.Status}: {report.Outcome} (stream {report.StreamName} active in {report.ActiveRegion ?? "(no config)"}, DNS {report.DnsValue ?? "untouched"}); " +
            $"its claim released in {(report.ClaimReleasedIn.Count == 0 ? "no region (not held)" : string.Join(", ", report.ClaimReleasedIn))}");
        return JsonSerializer.SerializeToUtf8Bytes(report, RecoverJsonContext.Default.RecoverReport);
    }

    public async Task<RecoverReport> RecoverAsync(ExecutionStatusDetail execution, FailoverInput input, CancellationToken cancellationToken)
    {
        var report = await PutBackAsync(execution, input, cancellationToken).ConfigureAwait(false);
        var released = await claims.ReleaseAsync(input.StreamName, execution.ExecutionArn, cancellationToken).ConfigureAwait(false);
        return report with { ClaimReleasedIn = released.Released };
    }

    private async Task<RecoverReport> PutBackAsync(ExecutionStatusDetail execution, FailoverInput input, CancellationToken cancellationToken)
    {
        var item = (await dynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = configTable,
            Key = new() { ["streamName"] = new AttributeValue { S = input.StreamName } },
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false)).Item;
        var active = Text(item, "activeRegion");
        if (Text(item, "failoverExecution") != execution.ExecutionArn)
        {
            return Report(NotThisExecution, active, dnsValue: null);
        }

        var state = Text(item, "state");
        if (state is "draining" or "fenced" && active == input.FromRegion)
        {
            await dynamoDb.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = configTable,
                Key = new() { ["streamName"] = new AttributeValue { S = input.StreamName } },
                UpdateExpression = "SET #state = :active, #version = #version + :one",
                ConditionExpression = "#version = :version AND #execution = :execution AND #state = :seen",
                ExpressionAttributeNames = new() { ["#state"] = "state", ["#version"] = "version", ["#execution"] = "failoverExecution" },
                ExpressionAttributeValues = new()
                {
                    [":active"] = new AttributeValue { S = "active" },
                    [":one"] = new AttributeValue { N = "1" },
                    [":version"] = new AttributeValue { N = item["version"].N },
                    [":execution"] = new AttributeValue { S = execution.ExecutionArn },
                    [":seen"] = new AttributeValue { S = state },
                },
            }, cancellationToken).ConfigureAwait(false);
            await dns.PointAsync(input.Dns, IngressDns.Source, $"Failover {execution.ExecutionArn} ended {execution.Status}: ingress back to {input.FromRegion}", cancellationToken).ConfigureAwait(false);
            return Report(Restored, input.FromRegion, input.Dns.SourceValue);
        }

        // The config is active somewhere: DNS must send producers there, whatever step the execution stopped at.
        var (outcome, at) = active == input.ToRegion ? (DnsToTarget, IngressDns.Target) : (DnsToSource, IngressDns.Source);
        await dns.PointAsync(input.Dns, at, $"Failover {execution.ExecutionArn} ended {execution.Status}: ingress follows the active region {active}", cancellationToken).ConfigureAwait(false);
        return Report(outcome, active, IngressDns.ValueAt(input.Dns, at));

        RecoverReport Report(string outcome, string? activeRegion, string? dnsValue) =>
            new(outcome, input.StreamName, execution.ExecutionArn, execution.Status, activeRegion, dnsValue);
    }

    private static string? Text(Dictionary<string, AttributeValue>? item, string name) =>
        item is not null && item.TryGetValue(name, out var value) ? value.S : null;
}
