namespace Replicator.Tests.Fakes;

/// <summary>
/// Real time, except that timers due within a minute fire at once and longer ones never do: backoff
/// pauses cost nothing, and a delivery deadline minutes away never expires during a test.
/// </summary>
internal sealed class SkipShortWaitsTimeProvider : TimeProvider
{
    private static readonly TimeSpan Short = TimeSpan.FromMinutes(1);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime < Short)
        {
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        return new InertTimer();
    }
}
