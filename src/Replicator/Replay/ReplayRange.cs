using System.Globalization;

namespace Replicator.Replay;

/// <summary>The archived records of one stream whose event time (commit, or arrival without one) is in [From, To).</summary>
public sealed record ReplayRange(string Stream, DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>Every hour the range touches, in order, as the archive names them (<c>yyyy-MM-dd-HH</c>).</summary>
    public IEnumerable<string> Hours()
    {
        var hour = new DateTimeOffset(From.UtcDateTime.Date.AddHours(From.UtcDateTime.Hour), TimeSpan.Zero);
        for (; hour < To; hour = hour.AddHours(1))
        {
            yield return hour.UtcDateTime.ToString("yyyy-MM-dd-HH", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The archive prefix of one hour of the stream (tenants are below the hour, so it covers them all).</summary>
    public string HourPrefix(string hour) => $"archive/stream={Stream}/hour={hour}/";

    public IEnumerable<string> HourPrefixes() => Hours().Select(HourPrefix);

    public bool Contains(DateTimeOffset eventTime) => eventTime >= From && eventTime < To;
}
