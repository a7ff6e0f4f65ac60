using System.Globalization;

namespace Replicator.Replay;

/// <summary>
/// The archived records of one stream whose event time (commit, or arrival without one) is in [From, To);
/// with <paramref name="Tenant"/>, only that tenant's (the archive's <c>tenant=</c> prefixes).
/// </summary>
public sealed record ReplayRange(string Stream, DateTimeOffset From, DateTimeOffset To, string? Tenant = null)
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

    /// <summary>The archive prefix of one hour of the stream: the tenant's, or (tenants being below the hour) every tenant's.</summary>
    public string HourPrefix(string hour) => Tenant is null ? $"archive/stream={Stream}/hour={hour}/" : $"archive/stream={Stream}/hour={hour}/tenant={Tenant}/";

    public IEnumerable<string> HourPrefixes() => Hours().Select(HourPrefix);

    public bool Contains(DateTimeOffset eventTime) => eventTime >= From && eventTime < To;
}
