using System.Globalization;
using System.Xml.Linq;

namespace Replicator.Aws.Route53;

/// <summary>The XML documents of the Route 53 API (2013-04-01) this project sends and reads, shared by the client and the local stand-in.</summary>
public static class Route53Xml
{
    public static readonly XNamespace Ns = "https://route53.amazonaws.com/doc/2013-04-01/";

    public const string ApiVersionPath = "/2013-04-01";

    public static XDocument ChangeRequest(string? comment, IEnumerable<RecordChange> changes) => new(
        new XElement(Ns + "ChangeResourceRecordSetsRequest",
            new XElement(Ns + "ChangeBatch",
                comment is null ? null : new XElement(Ns + "Comment", comment),
                new XElement(Ns + "Changes", changes.Select(c => new XElement(Ns + "Change",
                    new XElement(Ns + "Action", c.Action),
                    RecordSet(c.RecordSet)))))));

    public static IReadOnlyList<RecordChange> ReadChanges(XDocument request) =>
        request.Descendants(Ns + "Change")
            .Select(c => new RecordChange(Required(c, "Action"), ReadRecordSet(c.Element(Ns + "ResourceRecordSet") ?? throw Missing("ResourceRecordSet"))))
            .ToList();

    public static string? ReadComment(XDocument request) => request.Descendants(Ns + "Comment").FirstOrDefault()?.Value;

    public static XElement RecordSet(ResourceRecordSet set) => new(Ns + "ResourceRecordSet",
        new XElement(Ns + "Name", set.Name),
        new XElement(Ns + "Type", set.Type),
        new XElement(Ns + "TTL", set.Ttl.ToString(CultureInfo.InvariantCulture)),
        new XElement(Ns + "ResourceRecords", set.Values.Select(v => new XElement(Ns + "ResourceRecord", new XElement(Ns + "Value", v)))));

    public static ResourceRecordSet ReadRecordSet(XElement element) => new(
        Required(element, "Name"),
        Required(element, "Type"),
        long.Parse(element.Element(Ns + "TTL")?.Value ?? "0", CultureInfo.InvariantCulture),
        element.Descendants(Ns + "Value").Select(v => v.Value).ToList());

    public static XElement ChangeInfo(ChangeInfo info) => new(Ns + "ChangeInfo",
        new XElement(Ns + "Id", info.Id),
        new XElement(Ns + "Status", info.Status),
        new XElement(Ns + "SubmittedAt", info.SubmittedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
        info.Comment is null ? null : new XElement(Ns + "Comment", info.Comment));

    public static ChangeInfo ReadChangeInfo(XDocument response)
    {
        var info = response.Descendants(Ns + "ChangeInfo").FirstOrDefault() ?? throw Missing("ChangeInfo");
        return new ChangeInfo(
            Required(info, "Id"),
            Required(info, "Status"),
            DateTimeOffset.Parse(Required(info, "SubmittedAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            info.Element(Ns + "Comment")?.Value);
    }

    public static XDocument Error(string code, string message, string requestId) => new(
        new XElement(Ns + "ErrorResponse",
            new XElement(Ns + "Error",
                new XElement(Ns + "Type", "Sender"),
                new XElement(Ns + "Code", code),
                new XElement(Ns + "Message", message)),
            new XElement(Ns + "RequestId", requestId)));

    /// <summary>Route 53 names are absolute: compared without case and with the trailing dot.</summary>
    public static string Absolute(string name) => (name.EndsWith('.') ? name : name + ".").ToLowerInvariant();

    private static string Required(XElement parent, string name) => parent.Element(Ns + name)?.Value ?? throw Missing(name);

    private static FormatException Missing(string element) => new($"The Route 53 document has no <{element}> element.");
}
