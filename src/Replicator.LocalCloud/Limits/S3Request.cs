using System.Net;

namespace Replicator.LocalCloud.Limits;

/// <summary>A path-style request: bucket, key (null for a bucket request) and the query's names and values.</summary>
public sealed record S3Request(string Method, string Bucket, string? Key, IReadOnlyDictionary<string, string> Query)
{
    public string Path => $"{Bucket}/{Key}";

    /// <summary>The session token the request was signed with (<c>x-amz-security-token</c>): who assumed which role.</summary>
    public string? SessionToken { get; init; }

    public static S3Request Of(HttpListenerRequest request)
    {
        var raw = request.RawUrl ?? "/";
        var question = raw.IndexOf('?', StringComparison.Ordinal);
        var path = (question < 0 ? raw : raw[..question]).TrimStart('/');
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var query = question < 0
            ? new Dictionary<string, string>()
            : raw[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "", StringComparer.Ordinal);
        return new S3Request(
            request.HttpMethod,
            Uri.UnescapeDataString(slash < 0 ? path : path[..slash]),
            slash < 0 || slash == path.Length - 1 ? null : Uri.UnescapeDataString(path[(slash + 1)..]),
            query)
        {
            SessionToken = request.Headers["x-amz-security-token"],
        };
    }

    /// <summary>This method with this subresource (null: none at all).</summary>
    public bool Is(string method, string? subresource) =>
        Method == method && (subresource is null ? Query.Count == 0 || Query.Keys.All(k => k.StartsWith("response-", StringComparison.Ordinal) || k == "versionId") : Query.ContainsKey(subresource));
}
