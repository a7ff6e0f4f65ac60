using System.Net.Http.Headers;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Util;

namespace Replicator.Aws.Json;

/// <summary>
/// Builds HTTP requests signed with AWSSDK.Core's SigV4 signer, for the clients of services that have
/// no SDK package here: JSON protocols (Kinesis, Glue) and REST/XML (Route 53, the S3 reads) alike.
/// </summary>
internal sealed class RequestSigner(AWSCredentials credentials, SigningClientConfig config)
{
    private readonly AWS4Signer _signer = new();

    public Uri Endpoint => config.Endpoint;

    public string Region => config.AuthenticationRegion;

    public async Task<HttpRequestMessage> SignAsync(
        HttpMethod method,
        string resourcePath,
        IReadOnlyDictionary<string, string>? query,
        IReadOnlyDictionary<string, string> headers,
        byte[]? body,
        string? contentType,
        bool encodePathOnce = false)
    {
        var immutable = await credentials.GetCredentialsAsync().ConfigureAwait(false);
        var request = new DefaultRequest(new WireRequest(), config.AuthenticationServiceName)
        {
            HttpMethod = method.Method,
            Endpoint = config.Endpoint,
            ResourcePath = resourcePath,
            Content = body ?? [],
            AuthenticationRegion = config.AuthenticationRegion,
            // S3 signs the path as sent; other services sign it encoded a second time.
            UseDoubleEncoding = !encodePathOnce,
        };
        foreach (var (name, value) in query ?? new Dictionary<string, string>())
        {
            request.Parameters[name] = value;
        }

        foreach (var (name, value) in headers)
        {
            request.Headers[name] = value;
        }

        if (contentType is not null)
        {
            request.Headers["Content-Type"] = contentType;
        }

        if (immutable.UseToken)
        {
            request.Headers["X-Amz-Security-Token"] = immutable.Token;
        }

        var signature = _signer.SignRequest(request, config, new RequestMetrics(), immutable.AccessKey, immutable.SecretKey);
        request.Headers["Authorization"] = signature.ForAuthorizationHeader;

        var queryString = query is { Count: > 0 }
            ? "?" + string.Join('&', query.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)))
            : "";
        // Under the endpoint's own path, as the signer canonicalises it (AWSSDKUtils.CanonicalizeResourcePathV2):
        // an ARC cluster endpoint is https://host/v1, and its "/" is /v1.
        var basePath = config.Endpoint.AbsolutePath.TrimEnd('/');
        var relative = resourcePath.TrimStart('/');
        var path = basePath + (relative.Length > 0 ? "/" + relative : "");
        var message = new HttpRequestMessage(method, new Uri(config.Endpoint, (path.Length > 0 ? path : "/") + queryString));
        if (body is not null)
        {
            message.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        foreach (var (name, value) in request.Headers)
        {
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && !name.Equals("host", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    private sealed class WireRequest : AmazonWebServiceRequest;
}
