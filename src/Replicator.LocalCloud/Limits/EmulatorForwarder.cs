using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Replicator.LocalCloud.Limits;

/// <summary>
/// What a strict endpoint in front of an emulator does with a call it lets through: the same request,
/// headers and signature included, to the emulator; and how it answers one it refuses, as the AWS JSON
/// protocol does (a <c>__type</c> and a message).
/// </summary>
public sealed class EmulatorForwarder(Uri emulator, string contentType) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public Uri Emulator => emulator;

    /// <summary>A call as the AWS JSON protocol sends it: the operation (the X-Amz-Target header without the service's prefix) and the body.</summary>
    public static async Task<(string Operation, byte[] Body)> ReadCallAsync(HttpListenerContext context, string targetPrefix)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body).ConfigureAwait(false);
        return ((context.Request.Headers["X-Amz-Target"] ?? "").Replace(targetPrefix, "", StringComparison.Ordinal), body.ToArray());
    }

    public async Task<(HttpStatusCode Status, byte[] Body)> ForwardAsync(HttpListenerContext context, byte[] body)
    {
        using var forward = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), new Uri(emulator, context.Request.RawUrl))
        {
            Content = new ByteArrayContent(body),
        };
        foreach (var name in context.Request.Headers.AllKeys.OfType<string>())
        {
            if (name is "Host" or "Content-Length" or "Connection" or "Expect" or "Transfer-Encoding")
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(name, context.Request.Headers[name]))
            {
                forward.Content.Headers.TryAddWithoutValidation(name, context.Request.Headers[name]);
            }
        }

        using var response = await _http.SendAsync(forward).ConfigureAwait(false);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
    }

    public static byte[] Error(string type, string message) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["__type"] = type, ["message"] = message }.ToJsonString());

    public async Task RespondAsync(HttpListenerContext context, HttpStatusCode status, byte[] body)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body).ConfigureAwait(false);
        context.Response.Close();
    }

    public void Dispose() => _http.Dispose();
}
