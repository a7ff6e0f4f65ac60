using System.Globalization;
using System.Net;
using System.Xml.Linq;
using Polly;
using Replicator.Aws.Json;

namespace Replicator.Aws.Route53;

/// <summary>
/// The Route 53 operations this project calls, over the REST/XML API (AWSSDK.Route53 is not available
/// here). Route 53 is global: requests are signed for us-east-1 whatever region the caller is in.
/// </summary>
public sealed class Route53Client
{
    private const string SigningRegion = "us-east-1";
    private static readonly Uri GlobalEndpoint = new("https://route53.amazonaws.com/");

    private readonly HttpClient _http;
    private readonly RequestSigner _signer;
    private readonly ResiliencePipeline _retry;

    public Route53Client(AwsServiceOptions options)
    {
        _http = options.HttpClient;
        _signer = new RequestSigner(options.Credentials, new SigningClientConfig("route53", SigningRegion, options.EndpointOverride ?? GlobalEndpoint));
        _retry = TransientRetry.Create(options.Retry);
    }

    public async Task<ChangeInfo> ChangeResourceRecordSetsAsync(string hostedZoneId, string? comment, IReadOnlyList<RecordChange> changes, CancellationToken cancellationToken)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(Route53Xml.ChangeRequest(comment, changes).ToString(SaveOptions.DisableFormatting));
        var response = await SendAsync(HttpMethod.Post, $"{Route53Xml.ApiVersionPath}/hostedzone/{BareId(hostedZoneId)}/rrset/", null, body, cancellationToken).ConfigureAwait(false);
        return Route53Xml.ReadChangeInfo(response);
    }

    public async Task<ChangeInfo> GetChangeAsync(string changeId, CancellationToken cancellationToken) =>
        Route53Xml.ReadChangeInfo(await SendAsync(HttpMethod.Get, $"{Route53Xml.ApiVersionPath}/change/{BareId(changeId)}", null, null, cancellationToken).ConfigureAwait(false));

    public async Task<RecordSetPage> ListResourceRecordSetsAsync(
        string hostedZoneId, string? startRecordName, string? startRecordType, int? maxItems, CancellationToken cancellationToken)
    {
        var query = new Dictionary<string, string>();
        if (startRecordName is not null)
        {
            query["name"] = startRecordName;
        }

        if (startRecordType is not null)
        {
            query["type"] = startRecordType;
        }

        if (maxItems is { } max)
        {
            query["maxitems"] = max.ToString(CultureInfo.InvariantCulture);
        }

        var response = await SendAsync(HttpMethod.Get, $"{Route53Xml.ApiVersionPath}/hostedzone/{BareId(hostedZoneId)}/rrset", query, null, cancellationToken).ConfigureAwait(false);
        var root = response.Root!;
        return new RecordSetPage(
            root.Descendants(Route53Xml.Ns + "ResourceRecordSet").Select(Route53Xml.ReadRecordSet).ToList(),
            root.Element(Route53Xml.Ns + "IsTruncated")?.Value == "true",
            root.Element(Route53Xml.Ns + "NextRecordName")?.Value,
            root.Element(Route53Xml.Ns + "NextRecordType")?.Value);
    }

    /// <summary>The one record set with exactly this name and type, or null.</summary>
    public async Task<ResourceRecordSet?> FindRecordSetAsync(string hostedZoneId, string name, string type, CancellationToken cancellationToken)
    {
        var page = await ListResourceRecordSetsAsync(hostedZoneId, name, type, 1, cancellationToken).ConfigureAwait(false);
        return page.RecordSets.FirstOrDefault(s => Route53Xml.Absolute(s.Name) == Route53Xml.Absolute(name) && s.Type == type);
    }

    /// <summary>Ids come back as <c>/hostedzone/Z…</c> or <c>/change/C…</c>; paths take the bare id.</summary>
    public static string BareId(string id) => id[(id.LastIndexOf('/') + 1)..];

    private async Task<XDocument> SendAsync(HttpMethod method, string path, Dictionary<string, string>? query, byte[]? body, CancellationToken cancellationToken) =>
        await _retry.ExecuteAsync(
            async token =>
            {
                using var message = await _signer.SignAsync(method, path, query, new Dictionary<string, string>(), body, body is null ? null : "application/xml").ConfigureAwait(false);
                using var response = await _http.SendAsync(message, token).ConfigureAwait(false);
                var content = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
                var document = content.Length == 0 ? new XDocument() : XDocument.Parse(content);
                if (!response.IsSuccessStatusCode)
                {
                    throw ErrorFrom(response.StatusCode, document, content);
                }

                return document;
            },
            cancellationToken).ConfigureAwait(false);

    private static AwsServiceException ErrorFrom(HttpStatusCode status, XDocument document, string content)
    {
        var error = document.Root?.Element(Route53Xml.Ns + "Error");
        var code = error?.Element(Route53Xml.Ns + "Code")?.Value ?? $"Http{(int)status}";
        var message = error?.Element(Route53Xml.Ns + "Message")?.Value ?? content;
        return new AwsServiceException("route53", code, message, status);
    }
}
