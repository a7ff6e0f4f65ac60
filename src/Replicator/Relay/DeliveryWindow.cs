namespace Replicator.Relay;

/// <summary>
/// Lets a caller stream a long run of records through one delivery instead of one chunk at a time, so
/// requests stay full across what would be chunk boundaries: records are sent at most
/// <see cref="Lead"/> past the last checkpoint, and <see cref="CheckpointAsync"/> is called each time
/// the durable prefix has moved <see cref="CheckpointEvery"/> past it. A crash can then have sent at
/// most <see cref="Lead"/> records the caller has not checkpointed. The replay uses it; the relay,
/// whose batch is its unit of progress, does not.
/// </summary>
/// <param name="CheckpointAsync">Called with the durable prefix once it is recorded; false stops admitting records, and delivery ends once those already admitted are durable.</param>
/// <param name="BeforeRequestAsync">Awaited before each request is sent (a rate limit).</param>
/// <param name="MaxRequestRecords">Records per request at most, below PutRecords' own limit (so a rate-limited request never waits long).</param>
public sealed record DeliveryWindow(
    int CheckpointEvery,
    Func<int, CancellationToken, Task<bool>> CheckpointAsync,
    Func<IReadOnlyList<SourceRecord>, CancellationToken, Task>? BeforeRequestAsync = null,
    int MaxRequestRecords = int.MaxValue)
{
    /// <summary>Twice the checkpoint interval: while a checkpoint is due, the next chunk is already flowing.</summary>
    public int Lead => 2 * CheckpointEvery;
}
