using System.Globalization;
using Replicator.Aws.Kinesis;

namespace Replicator.Monitoring;

/// <summary>
/// How a target stream's configuration differs from its source's (issue 16). Each difference names the
/// setting, both values and what to change; it loses or rejects data where the target refuses what the
/// source takes (a smaller maximum record size) or forgets sooner (a shorter retention: after a
/// failover, consumers and replays there reach back less far than the source let them). Capacity mode,
/// shard count and encryption are named too, as they change throughput or protection, not data.
/// Per-region keys are expected, so key ids are not compared.
/// </summary>
public static class StreamParity
{
    public const int DefaultMaxRecordSizeInKiB = 1024;

    /// <summary>A target region that does not answer this soon is left out: it may be the region that is down.</summary>
    public static readonly TimeSpan TargetDescribeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Describes the target region's stream and compares it with <paramref name="source"/>; when the target
    /// does not answer (refused, an error, or not within <see cref="TargetDescribeTimeout"/>) the result
    /// says why instead, so a monitor or a status report goes on with the other targets.
    /// </summary>
    public static async Task<ParityCheck> CheckAsync(
        StreamDescriptionSummary source, string sourceRegion, Func<CancellationToken, Task<StreamDescriptionSummary>> describeTarget, string targetRegion, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TargetDescribeTimeout);
        try
        {
            return new ParityCheck(Compare(source, sourceRegion, await describeTarget(timeout.Token).ConfigureAwait(false), targetRegion), null);
        }
        catch (Exception e) when (e is Aws.Json.AwsServiceException or HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new ParityCheck([], $"DescribeStreamSummary in {targetRegion}: {e.Message}");
        }
    }

    public static IReadOnlyList<StreamDifference> Compare(StreamDescriptionSummary source, string sourceRegion, StreamDescriptionSummary target, string targetRegion)
    {
        var differences = new List<StreamDifference>();
        var (sourceKiB, targetKiB) = (source.MaxRecordSizeInKiB ?? DefaultMaxRecordSizeInKiB, target.MaxRecordSizeInKiB ?? DefaultMaxRecordSizeInKiB);
        if (targetKiB < sourceKiB)
        {
            differences.Add(new StreamDifference(
                "MaxRecordSizeInKiB", Text(sourceKiB), Text(targetKiB), LosesData: true,
                $"{targetRegion}'s stream refuses records above {targetKiB} KiB that {sourceRegion}'s takes: raise it with UpdateMaxRecordSize to {sourceKiB} in {targetRegion}."));
        }

        if (target.RetentionPeriodHours < source.RetentionPeriodHours)
        {
            differences.Add(new StreamDifference(
                "RetentionPeriodHours", Text(source.RetentionPeriodHours), Text(target.RetentionPeriodHours), LosesData: true,
                $"{targetRegion}'s stream keeps records {target.RetentionPeriodHours} h, {sourceRegion}'s {source.RetentionPeriodHours} h: raise it with IncreaseStreamRetentionPeriod to {source.RetentionPeriodHours} in {targetRegion}."));
        }

        var (sourceMode, targetMode) = (ModeOf(source), ModeOf(target));
        if (sourceMode != targetMode)
        {
            differences.Add(new StreamDifference(
                "StreamMode", sourceMode, targetMode, LosesData: false,
                $"{targetRegion}'s stream is {targetMode}, {sourceRegion}'s {sourceMode}: their write capacity follows different rules (UpdateStreamMode)."));
        }
        else if (sourceMode == StreamModes.Provisioned && target.OpenShardCount < source.OpenShardCount)
        {
            differences.Add(new StreamDifference(
                "OpenShardCount", Text(source.OpenShardCount), Text(target.OpenShardCount), LosesData: false,
                $"{targetRegion}'s stream takes at most {target.OpenShardCount} MiB or {target.OpenShardCount * 1_000:N0} records a second, less than {sourceRegion}'s: the relay is throttled at the source's peak (UpdateShardCount)."));
        }

        if (IsEncrypted(source) && !IsEncrypted(target))
        {
            differences.Add(new StreamDifference(
                "EncryptionType", source.EncryptionType!, target.EncryptionType ?? "NONE", LosesData: false,
                $"{targetRegion}'s stream is not encrypted at rest while {sourceRegion}'s is: StartStreamEncryption with {targetRegion}'s key."));
        }

        return differences;
    }

    /// <summary>A stream described without a mode predates on-demand streams, and is provisioned.</summary>
    private static string ModeOf(StreamDescriptionSummary stream) => stream.StreamModeDetails?.StreamMode ?? StreamModes.Provisioned;

    private static bool IsEncrypted(StreamDescriptionSummary stream) => stream.EncryptionType is not (null or "NONE");

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <param name="Unanswered">Why the target's stream could not be described; null when it was, and <paramref name="Differences"/> is the comparison.</param>
public sealed record ParityCheck(IReadOnlyList<StreamDifference> Differences, string? Unanswered);

/// <param name="LosesData">Whether the target refuses or forgets records the source keeps.</param>
/// <param name="Advice">What differs in plain words, and the setting to change.</param>
public sealed record StreamDifference(string Setting, string Source, string Target, bool LosesData, string Advice)
{
    /// <summary>The difference in one line, as the verify step, its error and <c>replicator status</c> name it.</summary>
    public string Describe() => $"{Setting} {Target} (source {Source}): {Advice}";
}
