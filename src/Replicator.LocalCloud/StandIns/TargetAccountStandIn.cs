using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Replicator.LocalCloud.StandIns;

/// <summary>
/// A local stand-in for a target region in another AWS account, on 127.0.0.1. It answers STS
/// AssumeRole (query protocol, XML) for one role, issuing short-lived session credentials, and
/// passes Kinesis requests on to the region's kinesalite only when they are signed with an
/// unexpired access key it issued together with that key's session token; anything else gets
/// Kinesis' AccessDeniedException. kinesalite itself accepts any signature, hence this check.
/// </summary>
public sealed partial class TargetAccountStandIn : IAsyncDisposable
{
    private readonly LoopbackHttpServer _server;
    private readonly HttpClient _upstreamClient = new();
    private readonly Uri _kinesis;
    private readonly string _roleArn;
    private readonly TimeSpan _credentialLifetime;
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expiration)> _issued = new();
    private readonly ConcurrentQueue<AssumeRoleCall> _assumeRoleCalls = new();
    private readonly ConcurrentQueue<string> _kinesisCallers = new();
    private int _issuedCount;

    /// <param name="credentialLifetime">How long issued credentials last; short ones make refresh observable in a test.</param>
    public TargetAccountStandIn(Uri kinesis, string roleArn, TimeSpan credentialLifetime)
    {
        _kinesis = kinesis;
        _roleArn = roleArn;
        _credentialLifetime = credentialLifetime;
        _server = new LoopbackHttpServer(HandleAsync);
    }

    /// <summary>Serves both STS and Kinesis of the target account.</summary>
    public Uri Endpoint => _server.Endpoint;

    public IReadOnlyCollection<AssumeRoleCall> AssumeRoleCalls => _assumeRoleCalls;

    /// <summary>The access key id of every Kinesis call let through, in order.</summary>
    public IReadOnlyCollection<string> KinesisCallers => _kinesisCallers;

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync().ConfigureAwait(false);
        _upstreamClient.Dispose();
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body).ConfigureAwait(false);
        var accessKeyId = AccessKeyIdOf(context.Request.Headers["Authorization"]);
        if (context.Request.Headers["X-Amz-Target"] is null)
        {
            await AnswerStsAsync(context, Encoding.UTF8.GetString(body.ToArray()), accessKeyId).ConfigureAwait(false);
            return;
        }

        var token = context.Request.Headers["X-Amz-Security-Token"];
        if (accessKeyId is null || !_issued.TryGetValue(accessKeyId, out var issued) || issued.Token != token || issued.Expiration <= DateTimeOffset.UtcNow)
        {
            await WriteAsync(context.Response, 400, "application/x-amz-json-1.1",
                $"{{\"__type\":\"AccessDeniedException\",\"message\":\"User: {accessKeyId} is not authorized to perform: kinesis:PutRecords in the target account (not a current session of {_roleArn})\"}}").ConfigureAwait(false);
            return;
        }

        _kinesisCallers.Enqueue(accessKeyId);
        using var forward = new HttpRequestMessage(HttpMethod.Post, _kinesis) { Content = new ByteArrayContent(body.ToArray()) };
        foreach (var header in new[] { "X-Amz-Target", "X-Amz-Date", "Authorization", "X-Amz-Security-Token" })
        {
            forward.Headers.TryAddWithoutValidation(header, context.Request.Headers[header]);
        }

        forward.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType);
        using var answer = await _upstreamClient.SendAsync(forward).ConfigureAwait(false);
        await WriteAsync(context.Response, (int)answer.StatusCode, answer.Content.Headers.ContentType?.ToString() ?? "application/x-amz-json-1.1",
            await answer.Content.ReadAsStringAsync().ConfigureAwait(false)).ConfigureAwait(false);
    }

    private async Task AnswerStsAsync(HttpListenerContext context, string form, string? callerAccessKeyId)
    {
        var fields = form.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => Uri.UnescapeDataString(pair[0]), pair => Uri.UnescapeDataString(pair.Length > 1 ? pair[1].Replace('+', ' ') : string.Empty));
        if (fields.GetValueOrDefault("Action") != "AssumeRole" || fields.GetValueOrDefault("RoleArn") != _roleArn || callerAccessKeyId is null)
        {
            await WriteAsync(context.Response, 403, "text/xml",
                $"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>Not authorized to perform sts:AssumeRole on {Escape(fields.GetValueOrDefault("RoleArn") ?? "(none)")}</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>").ConfigureAwait(false);
            return;
        }

        var number = Interlocked.Increment(ref _issuedCount);
        var accessKeyId = $"ASIALOCALSTANDIN{number:0000}";
        var token = $"local-session-token-{number}-{Guid.NewGuid():N}";
        var expiration = DateTimeOffset.UtcNow + _credentialLifetime;
        _issued[accessKeyId] = (token, expiration);
        var session = fields.GetValueOrDefault("RoleSessionName") ?? string.Empty;
        _assumeRoleCalls.Enqueue(new AssumeRoleCall(callerAccessKeyId, _roleArn, session, accessKeyId, expiration));
        await WriteAsync(context.Response, 200, "text/xml", $"""
            <AssumeRoleResponse>
              <AssumeRoleResult>
                <Credentials>
                  <AccessKeyId>{accessKeyId}</AccessKeyId>
                  <SecretAccessKey>local-secret-{number}</SecretAccessKey>
                  <SessionToken>{token}</SessionToken>
                  <Expiration>{expiration.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}</Expiration>
                </Credentials>
                <AssumedRoleUser>
                  <AssumedRoleId>AROALOCALSTANDIN:{Escape(session)}</AssumedRoleId>
                  <Arn>{Escape(_roleArn.Replace(":iam::", ":sts::", StringComparison.Ordinal).Replace(":role/", ":assumed-role/", StringComparison.Ordinal))}/{Escape(session)}</Arn>
                </AssumedRoleUser>
              </AssumeRoleResult>
              <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
            </AssumeRoleResponse>
            """).ConfigureAwait(false);
    }

    private static string? AccessKeyIdOf(string? authorization) =>
        authorization is not null && CredentialPattern().Match(authorization) is { Success: true } match ? match.Groups[1].Value : null;

    private static string Escape(string text) => System.Security.SecurityElement.Escape(text) ?? string.Empty;

    private static async Task WriteAsync(HttpListenerResponse response, int status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        response.Close();
    }

    [GeneratedRegex(@"Credential=([^/,\s]+)/")]
    private static partial Regex CredentialPattern();
}
