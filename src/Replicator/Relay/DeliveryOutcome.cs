namespace Replicator.Relay;

/// <summary>What a delivery attempt achieved for one source batch.</summary>
public sealed record DeliveryOutcome(
    int DurablePrefix,
    int Requests,
    int RetriedRecords,
    int ThrottledRecords,
    Exception? Error,
    int SentUpTo)
{
    /// <summary>The time before the first request went out: every record this delivery landed arrived in the target at or after it.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Per target shard, where the records that landed are (see <see cref="TargetLandings"/>).</summary>
    public IReadOnlyDictionary<string, TargetShardLanding> Landings { get; init; } = new Dictionary<string, TargetShardLanding>();

    /// <summary>
    /// Records [0, DurablePrefix) are all durable in the target; the record at DurablePrefix (if any)
    /// is the first that is not, and is where the event source mapping must resume.
    /// </summary>
    public bool Complete(int batchSize) => DurablePrefix == batchSize;

    /// <summary>Everything sent is durable: nothing past <see cref="DurablePrefix"/> went out (it may have landed, or not).</summary>
    public bool NothingInDoubt => DurablePrefix >= SentUpTo;
}
