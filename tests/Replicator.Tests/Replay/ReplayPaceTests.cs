using Microsoft.Extensions.Time.Testing;
using Replicator.Replay;

namespace Replicator.Tests.Replay;

/// <summary>The replay's pacing: totals since the start never run ahead of the limits, whichever binds.</summary>
public sealed class ReplayPaceTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Chunks_wait_until_they_and_the_records_before_them_are_allowed()
    {
        var pace = new ReplayPace(recordsPerSecond: 100, bytesPerSecond: null, _time);

        Assert.Equal(TimeSpan.FromSeconds(0.5), pace.Reserve(50, 0));
        Assert.Equal(TimeSpan.FromSeconds(1), pace.Reserve(50, 0));
        Assert.Equal(TimeSpan.FromSeconds(1.5), pace.Reserve(50, 0));
        _time.Advance(TimeSpan.FromSeconds(3));
        // Behind schedule after a pause: no wait until the average is caught up, and no burst beyond it.
        Assert.Equal(TimeSpan.Zero, pace.Reserve(50, 0));
        Assert.Equal(TimeSpan.Zero, pace.Reserve(50, 0));
        Assert.Equal(TimeSpan.Zero, pace.Reserve(50, 0));
        Assert.Equal(TimeSpan.FromSeconds(0.5), pace.Reserve(50, 0));
    }

    [Fact]
    public void A_replay_of_a_few_large_chunks_stays_at_the_limit()
    {
        var pace = new ReplayPace(recordsPerSecond: 1000, bytesPerSecond: null, _time);
        var start = _time.GetUtcNow();

        for (var chunk = 0; chunk < 3; chunk++)
        {
            _time.Advance(pace.Reserve(500, 0));
        }

        // 1,500 records sent by the time the last chunk goes: 1.5 s, not 1 s as if the first chunk were free.
        Assert.Equal(TimeSpan.FromSeconds(1.5), _time.GetUtcNow() - start);
    }

    /// <summary>A lane opens the window before reading its hour: the read's time counts toward the rate, so the first chunk need not wait for it again.</summary>
    [Fact]
    public void A_window_opened_before_the_hour_was_read_lets_the_first_chunk_go_at_once()
    {
        var pace = new ReplayPace(recordsPerSecond: 100, bytesPerSecond: null, _time, start: _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.Zero, pace.Reserve(200, 0));
        Assert.Equal(TimeSpan.FromSeconds(1), pace.Reserve(100, 0));
    }

    [Fact]
    public void The_tighter_of_the_two_limits_binds()
    {
        var pace = new ReplayPace(recordsPerSecond: 1000, bytesPerSecond: 10_000, _time);

        Assert.Equal(TimeSpan.FromSeconds(5), pace.Reserve(10, 50_000));
        Assert.Equal(TimeSpan.FromSeconds(10), pace.Reserve(10, 50_000));
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

    [Theory]
    [InlineData(500, null, null, 1000, 500)]
    [InlineData(500, 10.0, null, 1000, 200)]
    [InlineData(500, 0.001, null, 1000, 1)]
    [InlineData(500, null, 10_000.0, 1000, 200)]
    [InlineData(500, 1000.0, 100_000.0, 1000, 500)]
    public void A_chunk_under_a_low_limit_is_no_more_than_twenty_seconds_of_it(int configured, double? recordsPerSecond, double? bytesPerSecond, double averageBytes, int expected)
    {
        Assert.Equal(expected, LaneReplayer.ChunkSize(configured, recordsPerSecond, bytesPerSecond, averageBytes));
        Assert.True(LaneReplayer.MaxChunkWait < ReplayLaneFunction.ReservedPerChunk);
    }
}
