namespace Replicator.Replay;

/// <summary>
/// Keeps a replay at or under its rate limits, records per second and bytes per second, across all
/// lanes: each chunk reserves its share and waits until the totals sent since the start are allowed,
/// so the average over any window longer than a chunk stays on the limit, not merely each second.
/// </summary>
public sealed class ReplayPace(double? recordsPerSecond, double? bytesPerSecond, TimeProvider time)
{
    private readonly object _lock = new();
    private DateTimeOffset? _start;
    private long _records;
    private long _bytes;

    public static ReplayPace Unlimited { get; } = new(null, null, TimeProvider.System);

    /// <summary>Counts a chunk as sent and returns how long to wait before sending it.</summary>
    public TimeSpan Reserve(int records, long bytes)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            _start ??= now;
            _records += records;
            _bytes += bytes;
            var allowedAfter = Math.Max(
                recordsPerSecond is { } rps ? (_records - records) / rps : 0,
                bytesPerSecond is { } bps ? (_bytes - bytes) / bps : 0);
            var wait = _start.Value + TimeSpan.FromSeconds(allowedAfter) - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
    }

    public Task WaitAsync(int records, long bytes, CancellationToken cancellationToken)
    {
        var wait = Reserve(records, bytes);
        return wait == TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, time, cancellationToken);
    }
}
