using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Replicator.Lambda.Runtime;

/// <summary>
/// The Lambda Runtime API (version 2018-06-01) at <c>AWS_LAMBDA_RUNTIME_API</c>: fetch the next event,
/// post its response or error, or report that initialization failed.
/// </summary>
public sealed class RuntimeApiClient(HttpClient http, string runtimeApi)
{
    private const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
    private readonly string _base = $"http://{runtimeApi}/2018-06-01/runtime";

    public async Task<Invocation> NextAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"{_base}/invocation/next", cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var deadlineMs = long.Parse(Header(response, "Lambda-Runtime-Deadline-Ms") ?? "0", CultureInfo.InvariantCulture);
        return new Invocation(
            Header(response, "Lambda-Runtime-Aws-Request-Id") ?? throw new InvalidOperationException("The Runtime API sent an event without Lambda-Runtime-Aws-Request-Id."),
            DateTimeOffset.FromUnixTimeMilliseconds(deadlineMs),
            Header(response, "Lambda-Runtime-Invoked-Function-Arn") ?? string.Empty,
            Header(response, "Lambda-Runtime-Trace-Id"),
            payload);
    }

    public Task RespondAsync(string requestId, byte[] response, CancellationToken cancellationToken) =>
        PostAsync($"{_base}/invocation/{requestId}/response", new ByteArrayContent(response), cancellationToken);

    public Task ReportInvocationErrorAsync(string requestId, RuntimeError error, CancellationToken cancellationToken) =>
        PostAsync($"{_base}/invocation/{requestId}/error", ErrorContent(error), cancellationToken);

    public Task ReportInitErrorAsync(RuntimeError error, CancellationToken cancellationToken) =>
        PostAsync($"{_base}/init/error", ErrorContent(error), cancellationToken);

    private static ByteArrayContent ErrorContent(RuntimeError error)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(error, RuntimeJsonContext.Default.RuntimeError));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.Add(ErrorTypeHeader, error.ErrorType);
        return content;
    }

    private async Task PostAsync(string url, HttpContent content, CancellationToken cancellationToken)
    {
        using (content)
        {
            using var response = await http.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
