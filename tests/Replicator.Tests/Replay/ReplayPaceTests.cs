using Microsoft.Extensions.Time.Testing;
using Replicator.Replay;

namespace Replicator.Tests.Replay;

/// <summary>The replay's pacing: totals since the start never run ahead of the limits, whichever binds.</summary>
public sealed class ReplayPaceTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Chunks_wait_until_the_records_before_them_are_allowed()
    {
        var pace = new ReplayPace(recordsPerSecond: 100, bytesPerSecond: null, _time);

        Assert.Equal(TimeSpan.Zero, pace.Reserve(50, 0));
        Assert.Equal(TimeSpan.FromSeconds(0.5), pace.Reserve(50, 0));
        Assert.Equal(TimeSpan.FromSeconds(1), pace.Reserve(50, 0));
        _time.Advance(TimeSpan.FromSeconds(2));
        // Behind schedule after a pause: no wait, but no burst beyond the average either.
        Assert.Equal(TimeSpan.Zero, pace.Reserve(50, 0));
        Assert.Equal(TimeSpan.Zero, pace.Reserve(50, 0));
        Assert.Equal(TimeSpan.FromSeconds(0.5), pace.Reserve(50, 0));
    }

    [Fact]
    public void The_tighter_of_the_two_limits_binds()
    {
        var pace = new ReplayPace(recordsPerSecond: 1000, bytesPerSecond: 10_000, _time);

        pace.Reserve(10, 50_000);

        Assert.Equal(TimeSpan.FromSeconds(5), pace.Reserve(10, 50_000));
    }

    [Fact]
    public void Over_thirty_seconds_the_rate_sent_is_the_limit()
    {
        var pace = new ReplayPace(recordsPerSecond: 250, bytesPerSecond: null, _time);
        var sent = 0;
        while (_time.GetUtcNow() < new DateTimeOffset(2026, 11, 25, 12, 0, 30, TimeSpan.Zero))
        {
            _time.Advance(pace.Reserve(37, 0));
            sent += 37;
        }

        Assert.InRange(sent / 30.0, 250 * 0.95, 250 * 1.05);
    }
}
