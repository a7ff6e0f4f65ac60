using System.Xml.Linq;
using Polly;
using Replicator.Aws.Json;

namespace Replicator.Aws.S3;

/// <summary>
/// The S3 calls the replay needs, ListObjectsV2, GetObject and RestoreObject, over the REST API signed by
/// AWSSDK.Core: AWSSDK.S3 would add megabytes to the one Native AOT image every function starts from.
/// Path-style addressing (<c>endpoint/bucket/key</c>), which the local s3rver also serves.
/// </summary>
public sealed class S3Reader
{
    // S3 wants the payload's hash in a header of its own; a GET's payload is empty.
    private const string ContentHashHeader = "X-Amz-Content-SHA256";

    private static readonly Dictionary<string, string> PayloadHash = new() { [ContentHashHeader] = HashOf([]) };

    // Without it S3 lists no restore status: an archived object would look the same restored or not.
    private static readonly Dictionary<string, string> ListHeaders = new(PayloadHash) { ["x-amz-optional-object-attributes"] = "RestoreStatus" };

    private static readonly XNamespace S3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    private readonly HttpClient _http;
    private readonly RequestSigner _signer;
    private readonly ResiliencePipeline _retry;

    public S3Reader(AwsServiceOptions options)
    {
        _http = options.HttpClient;
        _signer = new RequestSigner(options.Credentials, new SigningClientConfig("s3", options.Region, options.EndpointOverride));
        _retry = TransientRetry.Create(options.Retry);
    }

    /// <summary>Every object under <paramref name="prefix"/>, in key order, with its storage class and restore, following continuation tokens.</summary>
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

            var page = XDocument.Parse(System.Text.Encoding.UTF8.GetString(await SendAsync(HttpMethod.Get, $"/{bucket}", query, ListHeaders, null, cancellationToken).ConfigureAwait(false)));
            objects.AddRange(page.Root!.Elements().Where(e => e.Name.LocalName == "Contents").Select(Summary));
            token = Child(page.Root, "IsTruncated") == "true" ? Child(page.Root, "NextContinuationToken") : null;
        }
        while (token is not null);

        return objects;
    }

    public Task<byte[]> GetObjectAsync(string bucket, string key, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, ObjectPath(bucket, key), null, PayloadHash, null, cancellationToken);

    /// <summary>
    /// Asks S3 to restore an object of GLACIER or DEEP_ARCHIVE for <paramref name="days"/> days, at
    /// <paramref name="tier"/> (Expedited, Standard or Bulk). True when a restore started; false when the
    /// object was restored already (its copy now expires <paramref name="days"/> from now).
    /// </summary>
    /// <exception cref="AwsServiceException">RestoreAlreadyInProgress, InvalidObjectState (not archived), NoSuchKey, or another refusal.</exception>
    public async Task<bool> RestoreAsync(string bucket, string key, int days, string tier, CancellationToken cancellationToken)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(new XElement(
            S3Namespace + "RestoreRequest",
            new XElement(S3Namespace + "Days", days),
            new XElement(S3Namespace + "GlacierJobParameters", new XElement(S3Namespace + "Tier", tier))).ToString(SaveOptions.DisableFormatting));
        var (status, _) = await SendWithStatusAsync(HttpMethod.Post, ObjectPath(bucket, key), new() { ["restore"] = "" }, new Dictionary<string, string> { [ContentHashHeader] = HashOf(body) }, body, cancellationToken).ConfigureAwait(false);
        return status == System.Net.HttpStatusCode.Accepted;
    }

    private static string ObjectPath(string bucket, string key) => "/" + bucket + "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

    private static string HashOf(byte[] body) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body));

    private async Task<byte[]> SendAsync(HttpMethod method, string path, Dictionary<string, string>? query, IReadOnlyDictionary<string, string> headers, byte[]? body, CancellationToken cancellationToken) =>
        (await SendWithStatusAsync(method, path, query, headers, body, cancellationToken).ConfigureAwait(false)).Content;

    private async Task<(System.Net.HttpStatusCode Status, byte[] Content)> SendWithStatusAsync(HttpMethod method, string path, Dictionary<string, string>? query, IReadOnlyDictionary<string, string> headers, byte[]? body, CancellationToken cancellationToken) =>
        await _retry.ExecuteAsync(
            async token =>
            {
                using var message = await _signer.SignAsync(method, path, query, headers, body, body is null ? null : "application/xml", encodePathOnce: true).ConfigureAwait(false);
                using var response = await _http.SendAsync(message, token).ConfigureAwait(false);
                var content = await response.Content.ReadAsByteArrayAsync(token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    var error = content.Length > 0 && content[0] == '<' ? XDocument.Parse(System.Text.Encoding.UTF8.GetString(content)).Root : null;
                    throw new AwsServiceException(
                        "s3",
                        error?.Element("Code")?.Value ?? $"Http{(int)response.StatusCode}",
                        error?.Element("Message")?.Value ?? $"{method} {path} answered {(int)response.StatusCode}",
                        response.StatusCode);
                }

                return (response.StatusCode, content);
            },
            cancellationToken).ConfigureAwait(false);

    /// <summary>A child element's text by local name: S3 answers in its 2006-03-01 namespace, s3rver without one.</summary>
    private static string? Child(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private static S3ObjectSummary Summary(XElement contents)
    {
        var restore = contents.Elements().FirstOrDefault(e => e.Name.LocalName == "RestoreStatus");
        return new S3ObjectSummary(
            Child(contents, "Key")!,
            long.Parse(Child(contents, "Size") ?? "0", System.Globalization.CultureInfo.InvariantCulture),
            Child(contents, "StorageClass") ?? "STANDARD",
            restore is null
                ? null
                : new S3RestoreStatus(
                    string.Equals(Child(restore, "IsRestoreInProgress"), "true", StringComparison.OrdinalIgnoreCase),
                    Child(restore, "RestoreExpiryDate") is { } expiry ? DateTimeOffset.Parse(expiry, System.Globalization.CultureInfo.InvariantCulture) : null));
    }
}

/// <param name="StorageClass">As ListObjectsV2 names it: STANDARD, STANDARD_IA, GLACIER, DEEP_ARCHIVE, ...</param>
/// <param name="Restore">Null when the object was never restored, or its restored copy has expired.</param>
public sealed record S3ObjectSummary(string Key, long Size, string StorageClass = "STANDARD", S3RestoreStatus? Restore = null)
{
    /// <summary>
    /// In a class a GET cannot read without a finished restore: GLACIER (Flexible Retrieval) and
    /// DEEP_ARCHIVE; GLACIER_IR reads at once. (Intelligent-Tiering's archive tiers are not visible in a
    /// listing, only in HeadObject's archive status; the archive bucket does not use them.)
    /// </summary>
    public bool Archived => StorageClass is "GLACIER" or "DEEP_ARCHIVE";

    /// <summary>Whether a GET can read it now.</summary>
    public bool Readable => !Archived || Restore is { InProgress: false };
}

/// <param name="InProgress">The restore has not finished.</param>
/// <param name="ExpiryDate">When the restored copy goes, once it is there.</param>
public sealed record S3RestoreStatus(bool InProgress, DateTimeOffset? ExpiryDate);
