using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Xml.Linq;

namespace Replicator.LocalCloud.Limits;

/// <summary>
/// The region's S3 endpoint: s3rver behind a proxy that keeps what s3rver does not, each object's
/// storage class and its restores. s3rver lists every object as STANDARD and serves every GET, which is
/// kinder than S3: an object in GLACIER or DEEP_ARCHIVE (the archive's lifecycle moves it there after
/// 90 and 365 days) answers GET with 403 <c>InvalidObjectState</c> until a RestoreObject has finished,
/// hours later. Every request still reaches s3rver first, so its signature is checked as before; the
/// proxy forwards the Host header the client signed.
/// </summary>
/// <remarks>
/// Lifecycle rules do not run here; <see cref="Transition"/> does what one does after its days. A
/// restore finishes after the slow end of the tier's documented time ("Understanding archive retrieval
/// options", S3 User Guide: Expedited 1–5 min, Standard 3–5 h, Bulk 5–12 h from GLACIER; Standard within
/// 12 h, Bulk within 48 h from DEEP_ARCHIVE, which has no Expedited) on this endpoint's clock, which
/// <see cref="PassTime"/> moves on, so a test need not wait hours.
/// </remarks>
public sealed class StrictS3 : IAsyncDisposable
{
    private static readonly string[] NotForwarded = ["Host", "Content-Length", "Connection", "Expect", "Transfer-Encoding", "Keep-Alive"];

    private readonly Uri _emulator;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };
    private readonly LoopbackHttpServer _server;
    private readonly ConcurrentDictionary<string, StoredObject> _objects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _uploads = new(StringComparer.Ordinal);
    private long _passedTicks;

    public StrictS3(Uri emulator)
    {
        _emulator = emulator;
        _server = new LoopbackHttpServer(HandleAsync);
    }

    public Uri Endpoint => _server.Endpoint;

    /// <summary>
    /// Decides each request before S3 sees it: null lets it through, a message refuses it with 403
    /// AccessDenied. Unset, every request passes: the local cloud models IAM only where a drill asks
    /// (<see cref="Iam.S3Gate"/>).
    /// </summary>
    public Func<S3Request, CancellationToken, Task<string?>>? Authorize { get; set; }

    /// <summary>What a lifecycle transition does to every object under <paramref name="prefix"/>: moves it to <paramref name="storageClass"/>, dropping any restored copy.</summary>
    /// <returns>How many objects moved.</returns>
    public int Transition(string bucket, string prefix, string storageClass)
    {
        var moved = 0;
        foreach (var path in _objects.Keys.Where(k => k.StartsWith($"{bucket}/{prefix}", StringComparison.Ordinal)))
        {
            _objects[path] = new StoredObject(storageClass, null);
            moved++;
        }

        return moved;
    }

    /// <summary>Moves this endpoint's clock on, as if that much time had passed for the restores under way.</summary>
    public void PassTime(TimeSpan time) => Interlocked.Add(ref _passedTicks, time.Ticks);

    private DateTimeOffset Now => DateTimeOffset.UtcNow.AddTicks(Interlocked.Read(ref _passedTicks));

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            var request = S3Request.Of(context.Request);
            if (Authorize is { } authorize && await authorize(request, CancellationToken.None).ConfigureAwait(false) is { } refusal)
            {
                await RespondAsync(context, Error(HttpStatusCode.Forbidden, "AccessDenied", refusal)).ConfigureAwait(false);
                return;
            }

            using var received = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(received).ConfigureAwait(false);
            var body = received.ToArray();
            using var answer = await ForwardAsync(context.Request, body).ConfigureAwait(false);
            var content = await answer.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            if (request.Is("POST", "restore") && answer.StatusCode == HttpStatusCode.NotImplemented)
            {
                // s3rver checked the signature and has no RestoreObject: the restore is this endpoint's.
                await RespondAsync(context, Restore(request, body)).ConfigureAwait(false);
                return;
            }

            if (!answer.IsSuccessStatusCode)
            {
                await RespondAsync(context, answer, content).ConfigureAwait(false);
                return;
            }

            if (request.Is("GET", null) && request.Key is not null && !Readable(request.Path))
            {
                await RespondAsync(context, Error(HttpStatusCode.Forbidden, "InvalidObjectState", "The operation is not valid for the object's storage class")).ConfigureAwait(false);
                return;
            }

            Track(request, context.Request, body, content);
            if (request.Key is null && request.Method == "GET" && content is [(byte)'<', ..])
            {
                content = Listed(request.Bucket, content, (context.Request.Headers["x-amz-optional-object-attributes"] ?? "").Contains("RestoreStatus", StringComparison.Ordinal));
            }

            var objectRead = request.Key is not null && (request.Is("GET", null) || request.Is("HEAD", null));
            await RespondAsync(context, answer, content, objectRead ? StoredOf(request.Path) : null).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            // s3rver is gone (the region was stopped): answer as a failing endpoint, never hang.
            await RespondAsync(context, Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", e.Message)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Xml.XmlException or InvalidOperationException or KeyNotFoundException or Emulators.LocalCloudException)
        {
            // A request or an answer this endpoint could not read: the caller gets the reason, not a hung connection.
            await RespondAsync(context, Error(HttpStatusCode.InternalServerError, "InternalError", $"The local S3 endpoint could not handle {context.Request.HttpMethod} {context.Request.RawUrl}: {e}")).ConfigureAwait(false);
        }
    }

    private async Task<HttpResponseMessage> ForwardAsync(HttpListenerRequest original, byte[] body)
    {
        using var forward = new HttpRequestMessage(new HttpMethod(original.HttpMethod), new Uri(_emulator, original.RawUrl))
        {
            Content = new ByteArrayContent(body),
        };
        foreach (var name in original.Headers.AllKeys.OfType<string>().Where(n => !NotForwarded.Contains(n, StringComparer.OrdinalIgnoreCase)))
        {
            if (!forward.Headers.TryAddWithoutValidation(name, original.Headers[name]))
            {
                forward.Content.Headers.TryAddWithoutValidation(name, original.Headers[name]);
            }
        }

        // s3rver verifies the signature over the Host the client signed: this endpoint's, not s3rver's.
        forward.Headers.Host = original.Headers["Host"];
        return await _http.SendAsync(forward).ConfigureAwait(false);
    }

    /// <summary>Keeps the storage class of what a successful request wrote, and forgets what it deleted.</summary>
    private void Track(S3Request request, HttpListenerRequest original, byte[] body, byte[] answer)
    {
        var storageClass = original.Headers["x-amz-storage-class"] ?? "STANDARD";
        switch (request.Method)
        {
            case "PUT" when request.Key is not null && request.Query.Count == 0:
                _objects[request.Path] = new StoredObject(storageClass, null);
                break;
            case "POST" when request.Key is not null && request.Query.ContainsKey("uploads"):
                _uploads[Element(XDocument.Parse(Encoding.UTF8.GetString(answer)).Root!, "UploadId")!] = storageClass;
                break;
            case "POST" when request.Key is not null && request.Query.TryGetValue("uploadId", out var upload):
                _objects[request.Path] = new StoredObject(_uploads.TryRemove(upload, out var initiated) ? initiated : "STANDARD", null);
                break;
            case "DELETE" when request.Key is not null:
                _objects.TryRemove(request.Path, out _);
                break;
            case "POST" when request.Key is null && request.Query.ContainsKey("delete"):
                foreach (var key in XDocument.Parse(Encoding.UTF8.GetString(body)).Descendants().Where(e => e.Name.LocalName == "Key"))
                {
                    _objects.TryRemove($"{request.Bucket}/{key.Value}", out _);
                }

                break;
        }
    }

    private StoredObject? StoredOf(string path) => _objects.TryGetValue(path, out var stored) ? stored : null;

    private bool Readable(string path) => StoredOf(path) is not { } stored || !stored.Archived || stored.RestoredAt(Now);

    /// <summary>ListObjects (V1 and V2) as S3 answers it: each object's storage class, and its restore when asked for (<c>x-amz-optional-object-attributes: RestoreStatus</c>).</summary>
    private byte[] Listed(string bucket, byte[] content, bool withRestoreStatus)
    {
        var listing = XDocument.Parse(Encoding.UTF8.GetString(content));
        if (listing.Root!.Name.LocalName != "ListBucketResult")
        {
            return content;
        }

        var now = Now;
        foreach (var contents in listing.Root!.Elements().Where(e => e.Name.LocalName == "Contents"))
        {
            if (StoredOf($"{bucket}/{Element(contents, "Key")}") is not { } stored)
            {
                continue;
            }

            var ns = contents.Name.Namespace;
            contents.Elements().Where(e => e.Name.LocalName == "StorageClass").Remove();
            contents.Add(new XElement(ns + "StorageClass", stored.StorageClass));
            if (withRestoreStatus && stored.Restore is { } restore && restore.ExpiresAt > now)
            {
                var ready = restore.ReadyAt <= now;
                contents.Add(new XElement(
                    ns + "RestoreStatus",
                    new XElement(ns + "IsRestoreInProgress", ready ? "false" : "true"),
                    ready ? new XElement(ns + "RestoreExpiryDate", restore.ExpiresAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)) : null));
            }
        }

        return Encoding.UTF8.GetBytes(listing.Declaration + listing.ToString(SaveOptions.DisableFormatting));
    }

    /// <summary>RestoreObject: 202 when a restore starts, 200 when the object is restored already (the expiry moves), 409 while one is under way.</summary>
    private (HttpStatusCode, byte[], string?) Restore(S3Request request, byte[] body)
    {
        if (StoredOf(request.Path) is not { } stored)
        {
            return Error(HttpStatusCode.NotFound, "NoSuchKey", "The specified key does not exist.");
        }

        if (!stored.Archived)
        {
            return Error(HttpStatusCode.Forbidden, "InvalidObjectState", $"Restore is not allowed for the object's current storage class ({stored.StorageClass}).");
        }

        var restoreRequest = XDocument.Parse(Encoding.UTF8.GetString(body)).Root!;
        var days = Element(restoreRequest, "Days") is { } text && int.TryParse(text, CultureInfo.InvariantCulture, out var d) && d >= 1 ? d : 0;
        if (days == 0)
        {
            return Error(HttpStatusCode.BadRequest, "MalformedXML", "Days must be a positive whole number for an object in GLACIER or DEEP_ARCHIVE.");
        }

        var tier = restoreRequest.Descendants().FirstOrDefault(e => e.Name.LocalName == "Tier")?.Value ?? "Standard";
        if (RestoreTakes(stored.StorageClass, tier) is not { } takes)
        {
            return Error(HttpStatusCode.BadRequest, "InvalidArgument", $"Tier {tier} is not available for {stored.StorageClass}.");
        }

        var now = Now;
        if (stored.Restore is { } under && under.ReadyAt > now)
        {
            return Error(HttpStatusCode.Conflict, "RestoreAlreadyInProgress", "Object restore is already in progress");
        }

        if (stored.RestoredAt(now))
        {
            _objects[request.Path] = stored with { Restore = stored.Restore! with { ExpiresAt = now.AddDays(days) } };
            return (HttpStatusCode.OK, [], null);
        }

        _objects[request.Path] = stored with { Restore = new Restoration(now + takes, now + takes + TimeSpan.FromDays(days)) };
        return (HttpStatusCode.Accepted, [], null);
    }

    private static TimeSpan? RestoreTakes(string storageClass, string tier) => (storageClass, tier) switch
    {
        ("GLACIER", "Expedited") => TimeSpan.FromMinutes(5),
        ("GLACIER", "Standard") => TimeSpan.FromHours(5),
        ("GLACIER", "Bulk") => TimeSpan.FromHours(12),
        ("DEEP_ARCHIVE", "Standard") => TimeSpan.FromHours(12),
        ("DEEP_ARCHIVE", "Bulk") => TimeSpan.FromHours(48),
        _ => null,
    };

    private static string? Element(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private static (HttpStatusCode, byte[], string?) Error(HttpStatusCode status, string code, string message) =>
        (status, Encoding.UTF8.GetBytes(new XElement("Error", new XElement("Code", code), new XElement("Message", message)).ToString(SaveOptions.DisableFormatting)), "application/xml");

    private static async Task RespondAsync(HttpListenerContext context, (HttpStatusCode Status, byte[] Body, string? ContentType) answer)
    {
        context.Response.StatusCode = (int)answer.Status;
        if (answer.ContentType is not null)
        {
            context.Response.ContentType = answer.ContentType;
        }

        context.Response.ContentLength64 = answer.Body.Length;
        await context.Response.OutputStream.WriteAsync(answer.Body).ConfigureAwait(false);
        context.Response.Close();
    }

    private async Task RespondAsync(HttpListenerContext context, HttpResponseMessage answer, byte[] content, StoredObject? stored = null)
    {
        context.Response.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.ContentType = string.Join(",", values);
            }
            else if (!NotForwarded.Contains(name, StringComparer.OrdinalIgnoreCase) && name is not ("Date" or "Server" or "x-amz-storage-class" or "x-amz-restore"))
            {
                context.Response.Headers[name] = string.Join(",", values);
            }
        }

        if (stored is not null)
        {
            // S3 names the storage class on GET and HEAD except STANDARD's, and a restore under way or done.
            if (stored.StorageClass != "STANDARD")
            {
                context.Response.Headers["x-amz-storage-class"] = stored.StorageClass;
            }

            // An expired restored copy is gone: S3 no longer names it, as its listings do not.
            if (stored.Restore is { } restore && restore.ExpiresAt > Now)
            {
                context.Response.Headers["x-amz-restore"] = restore.ReadyAt > Now
                    ? "ongoing-request=\"true\""
                    : $"ongoing-request=\"false\", expiry-date=\"{restore.ExpiresAt.UtcDateTime.ToString("R", CultureInfo.InvariantCulture)}\"";
            }
        }

        // A HEAD's Content-Length is the object's, with no body; the listener sends what is written.
        var length = answer.Content.Headers.ContentLength ?? content.Length;
        context.Response.ContentLength64 = context.Request.HttpMethod == "HEAD" ? length : content.Length;
        if (context.Request.HttpMethod != "HEAD")
        {
            await context.Response.OutputStream.WriteAsync(content).ConfigureAwait(false);
        }

        context.Response.Close();
    }

    private sealed record StoredObject(string StorageClass, Restoration? Restore)
    {
        /// <summary>GLACIER and DEEP_ARCHIVE need a restore before GET; GLACIER_IR does not.</summary>
        public bool Archived => StorageClass is "GLACIER" or "DEEP_ARCHIVE";

        public bool RestoredAt(DateTimeOffset now) => Restore is { } restore && restore.ReadyAt <= now && now < restore.ExpiresAt;
    }

    private sealed record Restoration(DateTimeOffset ReadyAt, DateTimeOffset ExpiresAt);
}
