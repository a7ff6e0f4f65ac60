using Replicator.Aws.Kinesis;

namespace Replicator.Consumers;

/// <summary>
/// A KCL application moved from the old region to the new: its lease table there read, its positions
/// translated, and, unless it is a dry run, a lease table written in the new region for the same
/// application name (in multi-stream mode, keyed by the new stream's account and creation time).
/// </summary>
public static class LeaseTableTranslation
{
    /// <param name="source">The old region's Kinesis (null when it is down).</param>
    public static async Task<TranslationResult> RunAsync(
        ConsumerTranslator translator, KclLeases oldLeases, string oldTable, KclLeases newLeases, string newTable,
        string streamName, KinesisClient? source, KinesisClient target, bool dryRun, CancellationToken cancellationToken)
    {
        var (positions, multiStream) = await oldLeases.ReadPositionsAsync(oldTable, streamName, cancellationToken).ConfigureAwait(false);
        if (positions.Count == 0)
        {
            throw new InvalidOperationException($"Lease table {oldTable} holds no lease of stream {streamName}: nothing says where the consumer got.");
        }

        var result = await translator.TranslateAsync(streamName, positions, source, target, cancellationToken).ConfigureAwait(false);
        if (!dryRun)
        {
            var identity = multiStream ? await MultiStreamIdentityAsync(target, streamName, cancellationToken).ConfigureAwait(false) : null;
            await newLeases.WriteAsync(newTable, result.Translation.Targets, result.TargetShards, identity, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private static async Task<MultiStream> MultiStreamIdentityAsync(KinesisClient target, string streamName, CancellationToken cancellationToken)
    {
        var summary = await target.DescribeStreamSummaryAsync(streamName, cancellationToken).ConfigureAwait(false);
        var account = summary.StreamARN.Split(':') is { Length: 6 } parts ? parts[4] : throw new InvalidDataException($"'{summary.StreamARN}' is not a stream ARN.");
        var created = summary.StreamCreationTimestamp
            ?? throw new InvalidDataException($"DescribeStreamSummary of {streamName} in {target.Region} gave no StreamCreationTimestamp, which a multi-stream lease key needs.");
        return new MultiStream(account, streamName, (long)created);
    }
}
