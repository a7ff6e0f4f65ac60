using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly;

namespace Replicator.Aws.Json;

/// <summary>
/// Sends AWS JSON requests (Kinesis, Glue; DynamoDB passed through for the local state machine), and
/// REST-JSON ones whose operations are each a POST to <c>/Operation</c> (Lake Formation), for services that have no SDK package here.
/// Signing and credentials are AWSSDK.Core's; retries with jittered backoff are Polly's.
/// Only transient answers (throttling, 5xx, network) are retried; the caller's token bounds the total time.
/// </summary>
public sealed class AwsJsonClient
{
    private readonly HttpClient _http;
    private readonly RequestSigner _signer;
    private readonly string _service;
    private readonly string? _targetPrefix;
    private readonly string _contentType;
    private readonly ResiliencePipeline _retry;

    /// <param name="targetPrefix">The X-Amz-Target prefix of the JSON protocols; null for REST-JSON.</param>
    /// <param name="jsonVersion">1.1 (Kinesis, Glue) or 1.0 (DynamoDB, Step Functions): it names the content type.</param>
    public AwsJsonClient(AwsServiceOptions options, string signingName, string? targetPrefix, string jsonVersion = "1.1")
    {
        _http = options.HttpClient;
        _signer = new RequestSigner(options.Credentials, new SigningClientConfig(signingName, options.Region, options.EndpointOverride));
        _service = signingName;
        _targetPrefix = targetPrefix;
        _contentType = targetPrefix is null ? "application/json" : "application/x-amz-json-" + jsonVersion;
        _retry = TransientRetry.Create(options.Retry);
    }

    public Uri Endpoint => _signer.Endpoint;

    public string Region => _signer.Region;

    public async Task<TResponse> SendAsync<TRequest, TResponse>(
        string operation,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        return await _retry.ExecuteAsync(
            async token =>
            {
                var content = await SendRawOnceAsync(operation, body, token).ConfigureAwait(false);

                // Operations without output (CreateStream, DeleteStream) answer 200 with an empty body.
                return JsonSerializer.Deserialize(content.Length == 0 ? "{}"u8 : content, responseType)
                    ?? throw new AwsServiceException(_service, "InvalidResponse", $"{operation} answered JSON null", HttpStatusCode.OK);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a request body as given and returns the response body: for passing service JSON through unchanged.</summary>
    public async Task<byte[]> SendRawAsync(string operation, byte[] body, CancellationToken cancellationToken) =>
        await _retry.ExecuteAsync(token => new ValueTask<byte[]>(SendRawOnceAsync(operation, body, token)), cancellationToken).ConfigureAwait(false);

    private async Task<byte[]> SendRawOnceAsync(string operation, byte[] body, CancellationToken cancellationToken)
    {
        using var message = await SignedMessageAsync(operation, body).ConfigureAwait(false);
        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? content : throw ErrorFrom(response, content);
    }

    private Task<HttpRequestMessage> SignedMessageAsync(string operation, byte[] body) => _targetPrefix is null
        ? _signer.SignAsync(HttpMethod.Post, "/" + operation, query: null, new Dictionary<string, string>(), body, _contentType)
        : _signer.SignAsync(HttpMethod.Post, "/", query: null, new Dictionary<string, string> { ["X-Amz-Target"] = _targetPrefix + "." + operation }, body, _contentType);

    private AwsServiceException ErrorFrom(HttpResponseMessage response, byte[] content)
    {
        var status = response.StatusCode;
        AwsErrorBody? error = null;
        try
        {
            error = JsonSerializer.Deserialize(content, AwsJsonContext.Default.AwsErrorBody);
        }
        catch (JsonException)
        {
            // Not a JSON error document (a proxy or load balancer answered): reported below by status.
        }

        // REST-JSON names the error in a header, "Code:namespace-uri" (the body may omit __type).
        var type = response.Headers.TryGetValues("x-amzn-ErrorType", out var named) ? named.First().Split(':')[0] : error?.Type;
        var code = type is not null ? type[(type.LastIndexOf('#') + 1)..] : $"Http{(int)status}";
        var text = error?.Message ?? error?.UpperMessage ?? System.Text.Encoding.UTF8.GetString(content);
        return KnownErrors.Create(_service, code, text, status);
    }
}
