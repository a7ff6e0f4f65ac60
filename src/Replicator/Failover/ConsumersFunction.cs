using System.Collections.Concurrent;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Replicator.Aws;
using Replicator.Aws.Kinesis;
using Replicator.Consumers;
using Replicator.Lambda;
using Replicator.Relay;
using static Replicator.Lambda.EnvironmentSettings;

namespace Replicator.Failover;

/// <summary>
/// Moves the failover's consumers (handler <c>failover-consumers</c>), after the flip and before DNS:
/// each KCL application's lease table is read in the source region, translated from the relay's
/// position samples (this region's replica of the global table) and written in the target region
/// (docs/consumers.md). A consumer that cannot be moved fails the step naming it; the others are still moved.
/// </summary>
public sealed class ConsumersFunction(Func<string, IAmazonDynamoDB> dynamoDbIn, Func<string, KinesisClient> kinesisIn, PositionSamples samples)
{
    public static LambdaHandler CreateHandler(IReadOnlyDictionary<string, string> environment)
    {
        var region = Required(environment, ConsumersEnvironment.Region);
        var credentials = AwsEnvironment.Credentials(environment);
        var endpoints = ServiceEndpoints.ResolvePerRegion(environment, AwsServiceId.DynamoDb, ConsumersEnvironment.DynamoDbEndpoints);
        var clients = new ConcurrentDictionary<string, IAmazonDynamoDB>(StringComparer.Ordinal);
        IAmazonDynamoDB DynamoDbIn(string r) => clients.GetOrAdd(r, _ => DynamoDbClients.Create(r, credentials, endpoints.For(r)));
        return new ConsumersFunction(
            DynamoDbIn,
            KinesisClient.PerRegion(ServiceEndpoints.ResolvePerRegion(environment, AwsServiceId.Kinesis, ConsumersEnvironment.KinesisEndpoints), credentials),
            new PositionSamples(DynamoDbIn(region), Required(environment, ConsumersEnvironment.PositionsTable), RelaySettings.DefaultPositionSampleRetention)).HandleAsync;
    }

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        var request = FunctionInput.Read(payload, FailoverJsonContext.Default.ConsumersRequest, "failover-consumers");
        var moved = await MoveAsync(request, context, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToUtf8Bytes(moved, FailoverJsonContext.Default.ConsumersMoved);
    }

    /// <exception cref="ConsumerNotTranslatedException">A consumer could not be moved; the message names each, with why.</exception>
    public async Task<ConsumersMoved> MoveAsync(ConsumersRequest request, ILambdaContext context, CancellationToken cancellationToken)
    {
        var translator = new ConsumerTranslator(samples, request.SourceRegion, request.TargetRegion);
        var moved = new List<ConsumerMoved>();
        var failed = new List<string>();
        foreach (var consumer in request.Consumers)
        {
            try
            {
                var result = await LeaseTableTranslation.RunAsync(
                    translator,
                    new KclLeases(dynamoDbIn(request.SourceRegion)), consumer.LeaseTable,
                    new KclLeases(dynamoDbIn(request.TargetRegion)), consumer.LeaseTable,
                    request.StreamName, kinesisIn(request.SourceRegion), kinesisIn(request.TargetRegion), dryRun: false, cancellationToken).ConfigureAwait(false);
                var targets = result.Translation.Targets;
                moved.Add(new ConsumerMoved(consumer.LeaseTable, targets.Count, targets.Count(t => t.FromTrimHorizon), result.Translation.DuplicateBound, result.SamplesRead));
                context.Logger.LogInformation(
                    $"Consumer {consumer.LeaseTable} of {request.StreamName} moved to {request.TargetRegion}: {targets.Count} leases, at most {result.Translation.DuplicateBound?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "an unknown number of"} records read again.");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                context.Logger.LogError($"Consumer {consumer.LeaseTable} of {request.StreamName} not moved to {request.TargetRegion}: {e}");
                failed.Add($"{consumer.LeaseTable}: {e.GetType().Name}: {e.Message}");
            }
        }

        return failed.Count == 0
            ? new ConsumersMoved(moved)
            : throw new ConsumerNotTranslatedException(
                $"{failed.Count} of {request.Consumers.Count} consumers of {request.StreamName} not moved to {request.TargetRegion}: {string.Join("; ", failed)}" +
                (moved.Count > 0 ? $". Moved: {string.Join(", ", moved.Select(m => m.LeaseTable))}." : "."));
    }
}

/// <summary>A consumer the failover was given could not be moved to the target region; the message names it.</summary>
public sealed class ConsumerNotTranslatedException(string message) : Exception(message);
