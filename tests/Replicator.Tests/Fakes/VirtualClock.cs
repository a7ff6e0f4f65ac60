namespace Replicator.Tests.Fakes;

/// <summary>
/// Virtual time for code that waits on one timer at a time: a timer due within a minute moves the clock
/// to its due time and fires at once; a longer one (a delivery deadline) never fires. Pauses then cost
/// nothing real, and what happens in virtual time (a shard's allowance refilling) is still exact.
/// </summary>
/// <param name="tickPerReading">How far each reading of the clock moves it, as real time passes between two readings; none by default.</param>
/// <param name="timersFireEarlyBy">
/// How much earlier than due a timer fires, as read on this clock: a real timer runs on another clock
/// than the wall clock (TimeProvider.System's GetUtcNow) and may wake a little before it reads due.
/// </param>
internal sealed class VirtualClock(DateTimeOffset start, TimeSpan tickPerReading = default, TimeSpan timersFireEarlyBy = default) : TimeProvider
{
    private static readonly TimeSpan Short = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            var reading = _now;
            _now += tickPerReading;
            return reading;
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
                _now += dueTime < timersFireEarlyBy ? TimeSpan.Zero : dueTime - timersFireEarlyBy;
            }

            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        return new InertTimer();
    }
}
