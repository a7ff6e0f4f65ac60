using System.Globalization;

namespace Replicator.Replay;

/// <summary>The archived records of one stream whose event time (commit, or arrival without one) is in [From, To).</summary>
public sealed record ReplayRange(string Stream, DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>The archive prefix of every hour the range touches, in order (tenants are below the hour, so each covers them all).</summary>
    public IEnumerable<string> HourPrefixes()
    {
        var hour = new DateTimeOffset(From.UtcDateTime.Date.AddHours(From.UtcDateTime.Hour), TimeSpan.Zero);
        for (; hour < To; hour = hour.AddHours(1))
        {
            yield return $"archive/stream={Stream}/hour={hour.UtcDateTime.ToString("yyyy-MM-dd-HH", CultureInfo.InvariantCulture)}/";
        }
    }

    public bool Contains(DateTimeOffset eventTime) => eventTime >= From && eventTime < To;
}
