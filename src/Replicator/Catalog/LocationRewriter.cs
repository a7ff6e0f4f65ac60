namespace Replicator.Catalog;

/// <summary>
/// Rewrites S3 locations from the source region's buckets to the replica's by a prefix map
/// (<c>s3://data-us-east-1/=s3://data-us-west-2/</c>); the longest matching prefix wins, and a location
/// no prefix matches is kept as it is (a bucket both regions read).
/// </summary>
public sealed class LocationRewriter
{
    private readonly (string From, string To)[] _prefixes;

    public LocationRewriter(IEnumerable<KeyValuePair<string, string>> prefixMap) =>
        _prefixes = prefixMap.Select(p => (p.Key, p.Value)).OrderByDescending(p => p.Key.Length).ToArray();

    public static LocationRewriter None { get; } = new([]);

    /// <summary>Reads <c>from=to,from=to</c>, as the setting holds it.</summary>
    /// <exception cref="FormatException">An entry is not <c>from=to</c>; the message names it.</exception>
    public static LocationRewriter Parse(string? map) => new((map ?? "")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(entry => entry.Split('=', 2) is [var from, var to] && from.Length > 0 && to.Length > 0
            ? KeyValuePair.Create(from, to)
            : throw new FormatException($"'{entry}' is not source-prefix=replica-prefix.")));

    public string Rewrite(string location)
    {
        foreach (var (from, to) in _prefixes)
        {
            if (location.StartsWith(from, StringComparison.Ordinal))
            {
                return to + location[from.Length..];
            }
        }

        return location;
    }
}
