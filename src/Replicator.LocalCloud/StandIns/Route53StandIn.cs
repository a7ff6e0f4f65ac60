using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Xml.Linq;
using Replicator.Aws.Route53;

namespace Replicator.LocalCloud.StandIns;

/// <summary>
/// A local stand-in for Amazon Route 53 on 127.0.0.1, for the operations the failover uses:
/// ChangeResourceRecordSets (CREATE, DELETE, UPSERT), GetChange and ListResourceRecordSets, with the
/// REST/XML shapes, status codes and error codes of the Route 53 API reference. A change is PENDING
/// for <c>propagation</c> and then INSYNC, as the real service reports propagation to its servers.
/// Hosted zones are made with <see cref="CreateHostedZone"/>: local setup, not an API call. The API is
/// Route 53's control plane, served from us-east-1 (<see cref="StopControlPlane"/> is its outage); DNS
/// answers come from its data plane (<see cref="Resolve"/>), which keeps answering through one.
/// </summary>
public sealed class Route53StandIn : IAsyncDisposable
{
    private const int DefaultMaxItems = 300;

    private readonly LoopbackHttpServer _server;
    private readonly Faults.TcpProxy _controlPlane;
    private readonly TimeSpan _propagation;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, HostedZone> _zones = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ChangeInfo> _changes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Zone, string Name, string Type), IReadOnlyList<(string Value, Func<bool> Healthy)>> _healthChecked = new();
    private int _ids;

    public Route53StandIn(TimeSpan propagation, TimeProvider? time = null)
    {
        _propagation = propagation;
        _time = time ?? TimeProvider.System;
        _server = new LoopbackHttpServer(HandleAsync);
        _controlPlane = new Faults.TcpProxy(_server.Endpoint);
    }

    public Uri Endpoint => _controlPlane.Endpoint;

    /// <summary>The API's outage, as in one of us-east-1: every connection is reset; <see cref="Resolve"/> still answers.</summary>
    public void StopControlPlane() => _controlPlane.CutOff();

    /// <summary>
    /// Makes a group of weighted records of one name and type, each with a health check (local setup, as a
    /// deploy makes them): DNS answers the values whose check is healthy, or, if none is, all of them, as
    /// Route 53 does when every record of a group is unhealthy.
    /// </summary>
    public void AddHealthCheckedRecords(string zoneId, string name, string type, IReadOnlyList<(string Value, Func<bool> Healthy)> answers) =>
        _healthChecked[(zoneId, Route53Xml.Absolute(name), type)] = answers;

    /// <summary>The values a DNS query for the record gets (the data plane), none if the record does not exist.</summary>
    public IReadOnlyList<string> Resolve(string zoneId, string name, string type)
    {
        if (_healthChecked.TryGetValue((zoneId, Route53Xml.Absolute(name), type), out var answers))
        {
            var healthy = answers.Where(a => a.Healthy()).Select(a => a.Value).ToList();
            return healthy.Count > 0 ? healthy : answers.Select(a => a.Value).ToList();
        }

        var zone = _zones[zoneId];
        lock (zone)
        {
            return zone.Find(Route53Xml.Absolute(name), type)?.Values ?? [];
        }
    }

    /// <summary>Makes an empty hosted zone and returns its id (<c>Z…</c>).</summary>
    public string CreateHostedZone(string name)
    {
        var id = "Z" + NextId();
        _zones[id] = new HostedZone(Route53Xml.Absolute(name));
        return id;
    }

    public async ValueTask DisposeAsync()
    {
        await _controlPlane.DisposeAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
    }

    private string NextId() => Interlocked.Increment(ref _ids).ToString("D13", CultureInfo.InvariantCulture);

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var segments = request.Url!.AbsolutePath.Trim('/').Split('/');
        (HttpStatusCode Status, XDocument Body) answer;
        try
        {
            if (request.Headers["Authorization"] is not { } authorization || !authorization.Contains("/route53/aws4_request", StringComparison.Ordinal))
            {
                answer = Error(HttpStatusCode.Forbidden, "MissingAuthenticationToken", "The request is not signed with SigV4 for the route53 service.");
            }
            else if (segments is ["2013-04-01", "hostedzone", var zoneId, "rrset"] && request.HttpMethod == "POST")
            {
                using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
                answer = Change(zoneId, XDocument.Parse(await reader.ReadToEndAsync().ConfigureAwait(false)));
            }
            else if (segments is ["2013-04-01", "hostedzone", var listZoneId, "rrset"] && request.HttpMethod == "GET")
            {
                answer = List(listZoneId, request.QueryString["name"], request.QueryString["type"], request.QueryString["maxitems"]);
            }
            else if (segments is ["2013-04-01", "change", var changeId] && request.HttpMethod == "GET")
            {
                answer = GetChange(changeId);
            }
            else
            {
                answer = Error(HttpStatusCode.BadRequest, "InvalidInput", $"The local Route 53 stand-in does not serve {request.HttpMethod} {request.Url.AbsolutePath}.");
            }
        }
        catch (FormatException e)
        {
            answer = Error(HttpStatusCode.BadRequest, "InvalidInput", e.Message);
        }
        catch (System.Xml.XmlException e)
        {
            answer = Error(HttpStatusCode.BadRequest, "InvalidInput", "The request body is not XML: " + e.Message);
        }

        var bytes = Encoding.UTF8.GetBytes(answer.Body.Declaration + answer.Body.ToString(SaveOptions.DisableFormatting));
        context.Response.StatusCode = (int)answer.Status;
        context.Response.ContentType = "text/xml";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        context.Response.Close();
    }

    private (HttpStatusCode, XDocument) Change(string zoneId, XDocument body)
    {
        if (!_zones.TryGetValue(zoneId, out var zone))
        {
            return NoSuchHostedZone(zoneId);
        }

        var changes = Route53Xml.ReadChanges(body);
        if (changes.Count == 0)
        {
            return Error(HttpStatusCode.BadRequest, "InvalidChangeBatch", "The change batch has no changes.");
        }

        // A batch is applied all or nothing: check every change against the zone first.
        lock (zone)
        {
            var problems = changes.Select(c => zone.Problem(c)).OfType<string>().ToList();
            if (problems.Count > 0)
            {
                return Error(HttpStatusCode.BadRequest, "InvalidChangeBatch", string.Join("; ", problems));
            }

            foreach (var change in changes)
            {
                zone.Apply(change);
            }
        }

        var info = new ChangeInfo("/change/C" + NextId(), ChangeInfo.Pending, _time.GetUtcNow(), Route53Xml.ReadComment(body));
        _changes[Route53Client.BareId(info.Id)] = info;
        return (HttpStatusCode.OK, new XDocument(new XElement(Route53Xml.Ns + "ChangeResourceRecordSetsResponse", Route53Xml.ChangeInfo(info))));
    }

    private (HttpStatusCode, XDocument) GetChange(string changeId)
    {
        if (!_changes.TryGetValue(changeId, out var info))
        {
            return Error(HttpStatusCode.NotFound, "NoSuchChange", $"A change with the specified change ID does not exist: {changeId}");
        }

        var status = _time.GetUtcNow() - info.SubmittedAt >= _propagation ? ChangeInfo.InSync : ChangeInfo.Pending;
        return (HttpStatusCode.OK, new XDocument(new XElement(Route53Xml.Ns + "GetChangeResponse", Route53Xml.ChangeInfo(info with { Status = status }))));
    }

    private (HttpStatusCode, XDocument) List(string zoneId, string? name, string? type, string? maxItemsText)
    {
        if (!_zones.TryGetValue(zoneId, out var zone))
        {
            return NoSuchHostedZone(zoneId);
        }

        if (type is not null && name is null)
        {
            return Error(HttpStatusCode.BadRequest, "InvalidInput", "The type parameter is only valid together with name.");
        }

        var maxItems = maxItemsText is null ? DefaultMaxItems : int.Parse(maxItemsText, CultureInfo.InvariantCulture);
        List<ResourceRecordSet> sets;
        lock (zone)
        {
            sets = zone.Ordered().SkipWhile(s => name is not null && HostedZone.Compare(s, Route53Xml.Absolute(name), type) < 0).ToList();
        }

        var page = sets.Take(maxItems).ToList();
        var truncated = sets.Count > maxItems;
        var response = new XElement(Route53Xml.Ns + "ListResourceRecordSetsResponse",
            new XElement(Route53Xml.Ns + "ResourceRecordSets", page.Select(Route53Xml.RecordSet)),
            new XElement(Route53Xml.Ns + "IsTruncated", truncated ? "true" : "false"),
            truncated ? new XElement(Route53Xml.Ns + "NextRecordName", sets[maxItems].Name) : null,
            truncated ? new XElement(Route53Xml.Ns + "NextRecordType", sets[maxItems].Type) : null,
            new XElement(Route53Xml.Ns + "MaxItems", maxItems.ToString(CultureInfo.InvariantCulture)));
        return (HttpStatusCode.OK, new XDocument(response));
    }

    private static (HttpStatusCode, XDocument) NoSuchHostedZone(string zoneId) =>
        Error(HttpStatusCode.NotFound, "NoSuchHostedZone", $"No hosted zone found with ID: {zoneId}");

    private static (HttpStatusCode, XDocument) Error(HttpStatusCode status, string code, string message) =>
        (status, Route53Xml.Error(code, message, Guid.NewGuid().ToString()));

    private sealed class HostedZone(string name)
    {
        private readonly Dictionary<(string Name, string Type), ResourceRecordSet> _sets = [];

        public ResourceRecordSet? Find(string absoluteName, string type) => _sets.GetValueOrDefault((absoluteName, type));

        public string? Problem(RecordChange change)
        {
            var key = (Route53Xml.Absolute(change.RecordSet.Name), change.RecordSet.Type);
            if (!key.Item1.EndsWith(name, StringComparison.Ordinal))
            {
                return $"RRSet with DNS name {change.RecordSet.Name} is not permitted in zone {name}";
            }

            if (change.RecordSet.Values.Count == 0)
            {
                return $"RRSet {change.RecordSet.Name} type {change.RecordSet.Type} has no ResourceRecords";
            }

            return change.Action switch
            {
                RecordChange.Create when _sets.ContainsKey(key) =>
                    $"Tried to create resource record set [name='{key.Item1}', type='{key.Item2}'] but it already exists",
                RecordChange.Delete when !_sets.TryGetValue(key, out var existing) || !Same(existing, change.RecordSet) =>
                    $"Tried to delete resource record set [name='{key.Item1}', type='{key.Item2}'] but it was not found or the values do not match",
                RecordChange.Create or RecordChange.Delete or RecordChange.Upsert => null,
                _ => $"Unknown change action {change.Action}",
            };
        }

        public void Apply(RecordChange change)
        {
            var key = (Route53Xml.Absolute(change.RecordSet.Name), change.RecordSet.Type);
            if (change.Action == RecordChange.Delete)
            {
                _sets.Remove(key);
            }
            else
            {
                _sets[key] = change.RecordSet with { Name = key.Item1 };
            }
        }

        /// <summary>Route 53 lists record sets by name with its labels reversed (com.example.www), then by type.</summary>
        public IEnumerable<ResourceRecordSet> Ordered() => _sets.Values.Order(Comparer<ResourceRecordSet>.Create((a, b) => Compare(a, b.Name, b.Type)));

        public static int Compare(ResourceRecordSet set, string name, string? type)
        {
            var byName = string.CompareOrdinal(Reversed(set.Name), Reversed(name));
            return byName != 0 || type is null ? byName : string.CompareOrdinal(set.Type, type);
        }

        private static string Reversed(string name) => string.Join('.', name.TrimEnd('.').Split('.').Reverse());

        private static bool Same(ResourceRecordSet a, ResourceRecordSet b) => a.Ttl == b.Ttl && a.Values.SequenceEqual(b.Values);
    }
}
