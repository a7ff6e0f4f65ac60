namespace Replicator.Tests.Fakes;

/// <summary>A timer the fake clocks hand out once they have fired it, or decided it never fires.</summary>
internal sealed class InertTimer : ITimer
{
    public bool Change(TimeSpan dueTime, TimeSpan period) => true;

    public void Dispose()
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
