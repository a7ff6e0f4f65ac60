using Replicator.Aws.Json;
using Replicator.Aws.S3;

namespace Replicator.Replay;

/// <summary>
/// Restores what a replay of a range reads from GLACIER and DEEP_ARCHIVE (the archive's lifecycle moves
/// objects there after 90 and 365 days), so that the replay can start once S3 has finished, hours later.
/// Run again, it starts nothing twice and says how many are still restoring.
/// </summary>
public sealed class ArchiveRestore(S3Reader s3, string bucket)
{
    public const string Advice =
        "Restore them with `replicator replay restore` (docs/archive-and-replay.md, \"Restoring archived hours\"), then start the replay again once S3 has restored them (hours: Standard takes 3-5 h from GLACIER, up to 12 h from DEEP_ARCHIVE).";

    /// <summary>RestoreObject requests in flight at once: each is answered at once, the restore itself runs in S3.</summary>
    private const int ConcurrentRequests = 8;

    private readonly ArchiveReader _archive = new(s3, bucket);

    /// <param name="days">How long S3 keeps each restored copy: long enough for the replay to read it.</param>
    /// <param name="tier">Expedited (GLACIER only), Standard or Bulk.</param>
    /// <exception cref="ArgumentException">Expedited, for a range holding DEEP_ARCHIVE objects; nothing was started.</exception>
    /// <exception cref="AwsServiceException">S3 refused a restore for a reason other than one already under way.</exception>
    public async Task<RestoreReport> RestoreAsync(ReplayRange range, int days, string tier, CancellationToken cancellationToken)
    {
        var survey = await _archive.SurveyAsync(range, cancellationToken).ConfigureAwait(false);
        var all = survey.All.ToList();
        var unreadable = survey.NotReadable;
        if (tier == "Expedited" && unreadable.Count(o => o.StorageClass == "DEEP_ARCHIVE") is var deep and > 0)
        {
            // Checked before any request, so that a refused run starts nothing (S3 would take the GLACIER ones).
            throw new ArgumentException($"--tier Expedited is not available for DEEP_ARCHIVE, which holds {deep} of the range's objects: use Standard (up to 12 h) or Bulk (up to 48 h).", nameof(tier));
        }

        var (requested, underWay) = (0, 0);
        await Parallel.ForEachAsync(
            unreadable,
            new ParallelOptions { MaxDegreeOfParallelism = ConcurrentRequests, CancellationToken = cancellationToken },
            async (item, token) =>
            {
                if (item.Restore is { InProgress: true })
                {
                    Interlocked.Increment(ref underWay);
                    return;
                }

                try
                {
                    await s3.RestoreAsync(bucket, item.Key, days, tier, token).ConfigureAwait(false);
                    Interlocked.Increment(ref requested);
                }
                catch (AwsServiceException e) when (e.ErrorCode == "RestoreAlreadyInProgress")
                {
                    // Started since the listing (another run of this command, or a Batch Operations job).
                    Interlocked.Increment(ref underWay);
                }
            }).ConfigureAwait(false);

        var archived = all.Count(o => o.Archived);
        return new RestoreReport(all.Count, archived, archived - unreadable.Count, requested, underWay);
    }
}

/// <param name="Objects">Objects the replay reads.</param>
/// <param name="Archived">Of them, in GLACIER or DEEP_ARCHIVE.</param>
/// <param name="Restored">Of those, restored and readable now.</param>
/// <param name="Requested">Restores this run started.</param>
/// <param name="InProgress">Restores that were under way already.</param>
public sealed record RestoreReport(int Objects, int Archived, int Restored, int Requested, int InProgress)
{
    /// <summary>Nothing is left to wait for: the replay can start.</summary>
    public bool Ready => Restored == Archived;
}
