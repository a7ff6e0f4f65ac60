using System.Xml.Linq;
using Polly;
using Replicator.Aws.Json;

namespace Replicator.Aws.S3;

/// <summary>
/// The two S3 reads the replay needs, ListObjectsV2 and GetObject, over the REST API signed by
/// AWSSDK.Core: AWSSDK.S3 would add megabytes to the one Native AOT image every function starts from.
/// Path-style addressing (<c>endpoint/bucket/key</c>), which the local s3rver also serves.
/// </summary>
public sealed class S3Reader
{
    // S3 wants the payload's hash in a header of its own; a GET's payload is empty.
    private static readonly Dictionary<string, string> PayloadHash = new()
    {
        ["X-Amz-Content-SHA256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ReadOnlySpan<byte>.Empty)),
    };

    private readonly HttpClient _http;
    private readonly RequestSigner _signer;
    private readonly ResiliencePipeline _retry;

    public S3Reader(AwsServiceOptions options)
    {
        _http = options.HttpClient;
        _signer = new RequestSigner(options.Credentials, new SigningClientConfig("s3", options.Region, options.EndpointOverride));
        _retry = TransientRetry.Create(options.Retry);
    }

    /// <summary>Every object under <paramref name="prefix"/>, in key order, following continuation tokens.</summary>
    public async Task<IReadOnlyList<S3ObjectSummary>> ListAsync(string bucket, string prefix, CancellationToken cancellationToken)
    {
        var objects = new List<S3ObjectSummary>();
        string? token = null;
        do
        {
            var query = new Dictionary<string, string> { ["list-type"] = "2", ["prefix"] = prefix };
            if (token is not null)
            {
                query["continuation-token"] = token;
            }

            var page = XDocument.Parse(System.Text.Encoding.UTF8.GetString(await GetAsync($"/{bucket}", query, cancellationToken).ConfigureAwait(false)));
            objects.AddRange(page.Root!.Elements().Where(e => e.Name.LocalName == "Contents").Select(c =>
                new S3ObjectSummary(Child(c, "Key")!, long.Parse(Child(c, "Size") ?? "0", System.Globalization.CultureInfo.InvariantCulture))));
            token = Child(page.Root, "IsTruncated") == "true" ? Child(page.Root, "NextContinuationToken") : null;
        }
        while (token is not null);

        return objects;
    }

    public Task<byte[]> GetObjectAsync(string bucket, string key, CancellationToken cancellationToken) =>
        GetAsync("/" + bucket + "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString)), null, cancellationToken);

    private async Task<byte[]> GetAsync(string path, Dictionary<string, string>? query, CancellationToken cancellationToken) =>
        await _retry.ExecuteAsync(
            async token =>
            {
                using var message = await _signer.SignAsync(HttpMethod.Get, path, query, PayloadHash, null, null, encodePathOnce: true).ConfigureAwait(false);
                using var response = await _http.SendAsync(message, token).ConfigureAwait(false);
                var content = await response.Content.ReadAsByteArrayAsync(token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    var error = content.Length > 0 && content[0] == '<' ? XDocument.Parse(System.Text.Encoding.UTF8.GetString(content)).Root : null;
                    throw new AwsServiceException(
                        "s3",
                        error?.Element("Code")?.Value ?? $"Http{(int)response.StatusCode}",
                        error?.Element("Message")?.Value ?? $"GET {path} answered {(int)response.StatusCode}",
                        response.StatusCode);
                }

                return content;
            },
            cancellationToken).ConfigureAwait(false);

    /// <summary>A child element's text by local name: S3 answers in its 2006-03-01 namespace, s3rver without one.</summary>
    private static string? Child(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
}

public sealed record S3ObjectSummary(string Key, long Size);
