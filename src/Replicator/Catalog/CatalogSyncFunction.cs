using System.Text.Json;
using Replicator.Aws;
using Replicator.Aws.Glue;
using Replicator.Aws.Json;
using Replicator.Aws.LakeFormation;
using Replicator.Catalog.Grants;
using Replicator.Lambda;
using Replicator.Telemetry;

namespace Replicator.Catalog;

/// <summary>
/// The catalog sync's Lambda step (handler <c>catalog-sync</c>): syncs from where the last invocation
/// stopped until the time left runs short, then hands back a continuation and the running totals,
/// which the state machine passes into the next invocation. Writes what this invocation did as metrics.
/// </summary>
public sealed class CatalogSyncFunction(CatalogSyncSettings settings, CatalogSync sync, EmbeddedMetrics metrics)
{
    /// <summary>Kept back from the deadline: a page of partitions (read, compare, ten batch writes) fits well within it.</summary>
    public static readonly TimeSpan ReservedPerPage = TimeSpan.FromSeconds(60);

    public static LambdaHandler CreateHandler(IReadOnlyDictionary<string, string> environment, TextWriter metricsOutput)
    {
        var settings = CatalogSyncSettings.From(environment);
        var credentials = AwsEnvironment.Credentials(environment);
        GlueClient Glue(string region) => new(new AwsServiceOptions(region, credentials, AwsEnvironment.HttpClient) { EndpointOverride = settings.GlueEndpoints.For(region) });
        LakeFormationClient LakeFormation(string region) => new(new AwsServiceOptions(region, credentials, AwsEnvironment.HttpClient) { EndpointOverride = settings.LakeFormationEndpoints.For(region) });
        var grants = settings.Grants is { } scope ? new LakeFormationGrantSync(LakeFormation(settings.SourceRegion), LakeFormation(settings.ReplicaRegion), scope) : null;
        return new CatalogSyncFunction(settings, new CatalogSync(Glue(settings.SourceRegion), Glue(settings.ReplicaRegion), grants), new EmbeddedMetrics(metricsOutput, TimeProvider.System)).HandleAsync;
    }

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        CatalogSyncRequest request;
        try
        {
            request = JsonSerializer.Deserialize(payload.Span, CatalogJsonContext.Default.CatalogSyncRequest) ?? new CatalogSyncRequest(null, null);
        }
        catch (JsonException e)
        {
            throw new InvalidCatalogSyncInputException($"catalog-sync: the input is not {{\"continuation\":…,\"totals\":…}}: {e.Message}");
        }

        // Every invocation reads at least one page, so a loop of them always gets somewhere.
        var pages = 0;
        bool ShouldPause() =>
            pages++ > 0 && (pages > (settings.MaxPagesPerInvocation ?? int.MaxValue) || context.RemainingTime < ReservedPerPage);
        var options = new CatalogSyncOptions(settings.Locations, settings.Databases, settings.PropagateDeletes, request.DryRun);
        var step = await sync.RunAsync(options, request.Continuation, ShouldPause, cancellationToken).ConfigureAwait(false);

        WriteMetrics(step.Result, context.AwsRequestId);
        foreach (var failure in step.Result.Failures)
        {
            context.Logger.LogError($"Catalog sync {settings.SourceRegion}→{settings.ReplicaRegion}: {failure.Kind} {failure.Name} failed: {failure.Error}");
        }

        var totals = request.Totals ?? new CatalogSyncResult();
        totals.Add(step.Result);
        context.Logger.LogInformation(step.Next is { } next
            ? $"Paused at {next.Database}.{next.Table} ({next.Phase}); {step.Result.Writes} writes this invocation."
            : $"Catalog sync {settings.SourceRegion}→{settings.ReplicaRegion} complete: {totals.Writes} writes, {totals.FailureCount} failures.");
        return JsonSerializer.SerializeToUtf8Bytes(new CatalogSyncResponse(step.Next, totals, step.Next is null), CatalogJsonContext.Default.CatalogSyncResponse);
    }

    private void WriteMetrics(CatalogSyncResult result, string requestId)
    {
        foreach (var (kind, counts) in new[] { ("database", result.Databases), ("table", result.Tables), ("partition", result.Partitions), ("grant", result.Grants), ("filter", result.Filters) })
        {
            metrics.Write(
                [(MetricDimensions.EntityKind, kind)],
                [
                    new Metric(MetricNames.CatalogCreated, Metric.Count, counts.Created),
                    new Metric(MetricNames.CatalogUpdated, Metric.Count, counts.Updated),
                    new Metric(MetricNames.CatalogDeleted, Metric.Count, counts.Deleted),
                    new Metric(MetricNames.CatalogUnchanged, Metric.Count, counts.Unchanged),
                ],
                requestId);
        }

        metrics.Write([], [new Metric(MetricNames.CatalogSyncFailures, Metric.Count, result.FailureCount)], requestId);
    }
}

/// <summary>The state machine handed the function input it cannot act on.</summary>
public sealed class InvalidCatalogSyncInputException(string message) : Exception(message);
