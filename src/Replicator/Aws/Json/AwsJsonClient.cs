using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Util;
using Polly;

namespace Replicator.Aws.Json;

/// <summary>
/// Sends AWS JSON 1.1 requests (Kinesis, Glue) for services that have no SDK package here.
/// Signing and credentials are AWSSDK.Core's; retries with jittered backoff are Polly's.
/// Only transient answers (throttling, 5xx, network) are retried; the caller's token bounds the total time.
/// </summary>
public sealed class AwsJsonClient
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/x-amz-json-1.1");

    private readonly HttpClient _http;
    private readonly AWSCredentials _credentials;
    private readonly SigningClientConfig _config;
    private readonly string _service;
    private readonly string _targetPrefix;
    private readonly ResiliencePipeline _retry;
    private readonly AWS4Signer _signer = new();

    public AwsJsonClient(AwsServiceOptions options, string signingName, string targetPrefix)
    {
        _http = options.HttpClient;
        _credentials = options.Credentials;
        _config = new SigningClientConfig(signingName, options.Region, options.EndpointOverride);
        _service = signingName;
        _targetPrefix = targetPrefix;
        _retry = TransientRetry.Create(options.Retry);
    }

    public Uri Endpoint => _config.Endpoint;

    public string Region => _config.AuthenticationRegion;

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
                using var message = await SignedMessageAsync(operation, body).ConfigureAwait(false);
                using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
                var content = await response.Content.ReadAsByteArrayAsync(token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw ErrorFrom(response.StatusCode, content);
                }

                // Operations without output (CreateStream, DeleteStream) answer 200 with an empty body.
                return JsonSerializer.Deserialize(content.Length == 0 ? "{}"u8 : content, responseType)
                    ?? throw new AwsServiceException(_service, "InvalidResponse", $"{operation} answered an empty body", response.StatusCode);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpRequestMessage> SignedMessageAsync(string operation, byte[] body)
    {
        var credentials = await _credentials.GetCredentialsAsync().ConfigureAwait(false);
        var request = new DefaultRequest(new WireRequest(), _service)
        {
            HttpMethod = "POST",
            Endpoint = _config.Endpoint,
            ResourcePath = "/",
            Content = body,
            AuthenticationRegion = _config.AuthenticationRegion,
        };
        request.Headers["X-Amz-Target"] = _targetPrefix + "." + operation;
        request.Headers["Content-Type"] = JsonContentType.MediaType!;
        if (credentials.UseToken)
        {
            request.Headers["X-Amz-Security-Token"] = credentials.Token;
        }

        var signature = _signer.SignRequest(request, _config, new RequestMetrics(), credentials.AccessKey, credentials.SecretKey);
        request.Headers["Authorization"] = signature.ForAuthorizationHeader;

        var message = new HttpRequestMessage(HttpMethod.Post, _config.Endpoint) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = JsonContentType;
        foreach (var (name, value) in request.Headers)
        {
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && !name.Equals("host", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    private AwsServiceException ErrorFrom(HttpStatusCode status, byte[] content)
    {
        AwsErrorBody? error = null;
        try
        {
            error = JsonSerializer.Deserialize(content, AwsJsonContext.Default.AwsErrorBody);
        }
        catch (JsonException)
        {
            // Not a JSON error document (a proxy or load balancer answered): reported below by status.
        }

        var code = error?.Type is { } type ? type[(type.LastIndexOf('#') + 1)..] : $"Http{(int)status}";
        var text = error?.Message ?? error?.UpperMessage ?? System.Text.Encoding.UTF8.GetString(content);
        return KnownErrors.Create(_service, code, text, status);
    }

    private sealed class WireRequest : AmazonWebServiceRequest;
}
