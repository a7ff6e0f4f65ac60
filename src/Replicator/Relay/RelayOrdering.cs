namespace Replicator.Relay;

/// <summary>How strictly the relay keeps each partition key's order in the target stream.</summary>
public enum RelayOrdering
{
    /// <summary>
    /// Per key, the first copy of every record is in source order: a request carries at most one
    /// record per key, and a key's next record goes only once the previous one is durable. A hot key
    /// therefore moves one record per round trip.
    /// </summary>
    Strict,

    /// <summary>
    /// Per key, the last copy of every record is in source order: a request carries as many records of
    /// a key as fit, and when one of them fails, every later record of its key in that request is sent
    /// again after it (even those that landed). Consumers that apply a key's changes as upserts
    /// converge to the same state; a consumer that acts on every copy sees a key briefly step back.
    /// A hot key moves up to 500 records per round trip; a key whose records fail carries half as many
    /// per request, and twice as many again each time a request lands them all.
    /// </summary>
    Packed,

    /// <summary>
    /// As <see cref="Strict"/>, but a key's run of pending records goes as one KPL aggregated record
    /// (<see cref="KplAggregate"/>), up to 1 MiB: the run lands whole or not at all, so every record's
    /// first copy is in source order and a hot key moves a run per round trip instead of a record.
    /// Only for targets whose every consumer splits aggregates (KCL, or the aws-kinesis-agg libraries
    /// in a Lambda consumer); any other reader sees one record where the source had many.
    /// </summary>
    Aggregated,
}
