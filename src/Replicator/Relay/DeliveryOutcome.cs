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
    /// <summary>
    /// Records [0, DurablePrefix) are all durable in the target; the record at DurablePrefix (if any)
    /// is the first that is not, and is where the event source mapping must resume.
    /// </summary>
    public bool Complete(int batchSize) => DurablePrefix == batchSize;

    /// <summary>Everything sent is durable: nothing past <see cref="DurablePrefix"/> went out (it may have landed, or not).</summary>
    public bool NothingInDoubt => DurablePrefix >= SentUpTo;
}
