namespace Replicator.Tests.Fakes;

/// <summary>
/// Virtual time for code that waits on one timer at a time: a timer due within a minute moves the clock
/// to its due time and fires at once; a longer one (a delivery deadline) never fires. Pauses then cost
/// nothing real, and what happens in virtual time (a shard's allowance refilling) is still exact.
/// </summary>
internal sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    private static readonly TimeSpan Short = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime < Short)
        {
            lock (_gate)
            {
                _now += dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime;
            }

            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        return new InertTimer();
    }
}
