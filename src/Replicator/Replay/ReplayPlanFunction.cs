using System.Text.Json;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Lambda;

namespace Replicator.Replay;

/// <summary>
/// The replay's first step (handler <c>replay-plan</c>): checks the request, measures what the archive
/// holds for the range and that all of it is readable now (restored, where archived), checks that the
/// target stream exists, and records the replay in the progress table with this execution as its
/// owner. Hands the state machine one Map item per lane.
/// </summary>
public sealed class ReplayPlanFunction(
    ReplaySettings settings,
    ArchiveReader archive,
    ReplayProgressStore progress,
    Func<string, string, CancellationToken, Task> checkTargetStream,
    AtRiskRange atRisk)
{
    public static LambdaHandler CreateHandler(IReadOnlyDictionary<string, string> environment)
    {
        var settings = ReplaySettings.From(environment);
        var credentials = AwsEnvironment.Credentials(environment);
        var checkpoints = new Relay.CheckpointStore(
            DynamoDbClients.Create(settings.Region, credentials, settings.DynamoDbEndpoint),
            EnvironmentSettings.Required(environment, ReplayEnvironment.PlanOnly.CheckpointTable),
            TimeProvider.System);
        return new ReplayPlanFunction(
            settings,
            settings.ArchiveReader(credentials),
            settings.ProgressStore(credentials),
            (region, stream, cancellationToken) => settings.Kinesis(region, credentials).DescribeStreamSummaryAsync(stream, cancellationToken),
            new AtRiskRange(
                checkpoints,
                async (stream, cancellationToken) => (await settings.Kinesis(settings.Region, credentials).DescribeStreamSummaryAsync(stream, cancellationToken).ConfigureAwait(false)).RetentionPeriodHours,
                TimeProvider.System)).HandleAsync;
    }

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(FunctionInput.Read(payload, ReplayJsonContext.Default.PlanRequest, "replay-plan"), cancellationToken).ConfigureAwait(false);
        context.Logger.LogInformation(
            $"Replay '{plan.ReplayId}': {plan.Stream} {plan.From:O}..{plan.To:O} into {plan.TargetRegion}/{plan.TargetStream} in {plan.Lanes} lanes; {plan.Objects} archived objects ({plan.ArchivedBytes} bytes) over {plan.Hours} hours.");
        return JsonSerializer.SerializeToUtf8Bytes(plan, ReplayJsonContext.Default.ReplayPlan);
    }

    /// <exception cref="InvalidFunctionInputException">A field of the request is wrong, or the target stream does not exist.</exception>
    /// <exception cref="ArchiveEmptyException">The archive holds nothing for the range.</exception>
    /// <exception cref="ArchivedObjectNotRestoredException">Objects the range reads are in GLACIER or DEEP_ARCHIVE and not restored; the message names them.</exception>
    /// <exception cref="ReplayMismatchException">The replay id is taken by a different replay.</exception>
    /// <exception cref="NothingAtRiskException">An at-risk replay found the target ahead of the retention edge.</exception>
    public async Task<ReplayPlan> PlanAsync(PlanRequest request, CancellationToken cancellationToken)
    {
        var asked = request.Request;
        var range = asked.Range() ?? await atRisk.OfAsync(asked.Stream, asked.TargetRegion ?? settings.Region, cancellationToken).ConfigureAwait(false);
        var plan = asked.Plan(settings.Region, request.Execution, range, 0, 0, 0);
        if (plan.Tenant is not null && settings.TenantField is null)
        {
            throw new InvalidFunctionInputException($"replay-plan: tenant {plan.Tenant} is given, but this archive has no tenant prefixes ({ReplayEnvironment.TenantField} is not set: deploy with ArchiveTenantField).");
        }

        var hours = plan.Range.Hours().ToList();
        var survey = await archive.SurveyAsync(plan.Range, cancellationToken).ConfigureAwait(false);
        if (survey.Objects == 0)
        {
            throw new ArchiveEmptyException(
                $"replay-plan: s3://{settings.ArchiveBucket} has no objects under {plan.Range.HourPrefix(hours[0])} through {plan.Range.HourPrefix(hours[^1])} ({hours.Count} hours); check stream, from and to.");
        }

        try
        {
            await checkTargetStream(plan.TargetRegion, plan.TargetStream, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e) when (e.ErrorCode == "ResourceNotFoundException")
        {
            throw new InvalidFunctionInputException($"replay-plan: targetStream {plan.TargetStream} does not exist in targetRegion {plan.TargetRegion}: {e.Message}");
        }

        survey.EnsureReadable();
        plan = plan with { Hours = hours.Count, Objects = survey.Objects, ArchivedBytes = survey.Bytes };
        await progress.ClaimAsync(plan, request.Execution, cancellationToken).ConfigureAwait(false);
        return plan;
    }
}

/// <summary>The archive holds nothing for the range asked for; the message names the prefixes looked under.</summary>
public sealed class ArchiveEmptyException(string message) : Exception(message);
