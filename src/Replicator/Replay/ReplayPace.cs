namespace Replicator.Replay;

/// <summary>
/// Keeps a replay at or under its rate limits, records per second and bytes per second: each chunk
/// waits until the totals sent since the start, itself included, are allowed. Over any window from the
/// start the average is at most the limit, and on it once the replay is rate-bound, whatever the chunk
/// size (a chunk sent first and paid for after would put a replay of a few chunks well over it).
/// </summary>
/// <param name="start">When the window opens: a lane starts it before reading its hour, so the time the
/// read takes is not lost to the rate (the first chunk may go at once); by default, the first chunk.</param>
public sealed class ReplayPace(double? recordsPerSecond, double? bytesPerSecond, TimeProvider time, DateTimeOffset? start = null)
{
    private readonly object _lock = new();
    private DateTimeOffset? _start = start;
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
                recordsPerSecond is { } rps ? _records / rps : 0,
                bytesPerSecond is { } bps ? _bytes / bps : 0);
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
