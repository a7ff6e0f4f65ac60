using System.Globalization;
using Replicator.Aws.S3;

namespace Replicator.Replay;

/// <summary>What a replay of a range reads from the archive: the range's hours, and the overflow prefix's days.</summary>
/// <param name="HourObjects">The objects under the range's hour prefixes: the archive's size for the range.</param>
/// <param name="Overflowed">The objects under the overflow prefix a replay of the range reads too.</param>
public sealed record ArchiveSurvey(string Bucket, IReadOnlyList<S3ObjectSummary> HourObjects, IReadOnlyList<S3ObjectSummary> Overflowed)
{
    private const int Named = 10;

    public int Objects => HourObjects.Count;

    public long Bytes => HourObjects.Sum(o => o.Size);

    public IEnumerable<S3ObjectSummary> All => HourObjects.Concat(Overflowed);

    /// <summary>Objects a GET would refuse: in GLACIER or DEEP_ARCHIVE, not restored or still restoring.</summary>
    public IReadOnlyList<S3ObjectSummary> NotReadable => All.Where(o => !o.Readable).ToList();

    /// <exception cref="ArchivedObjectNotRestoredException">Some object is not readable; the message names the first ones, counts them by storage class, and says how to restore them.</exception>
    public void EnsureReadable()
    {
        var unreadable = NotReadable;
        if (unreadable.Count == 0)
        {
            return;
        }

        var byClass = string.Join(", ", unreadable.GroupBy(o => o.StorageClass).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Count()}"));
        var restoring = unreadable.Count(o => o.Restore is { InProgress: true });
        var named = string.Join(", ", unreadable.Take(Named).Select(o => $"s3://{Bucket}/{o.Key}"));
        var more = unreadable.Count > Named ? $" and {unreadable.Count - Named} more" : "";
        throw new ArchivedObjectNotRestoredException(string.Create(
            CultureInfo.InvariantCulture,
            $"replay-plan: {unreadable.Count} of the {All.Count()} archived objects the range reads ({unreadable.Sum(o => o.Size)} bytes) are in an archive storage class and not restored ({byClass}; {restoring} restoring now): {named}{more}. {ArchiveRestore.Advice}"));
    }
}
