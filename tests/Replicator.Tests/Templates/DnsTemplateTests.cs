using System.Text.Json;
using System.Text.Json.Nodes;
using Replicator.Aws.RoutingControl;
using Replicator.Failover;
using Replicator.LocalCloud;
using Replicator.LocalCloud.StandIns;

namespace Replicator.Tests.Templates;

/// <summary>
/// dns-template.yml deployed onto the local stand-ins (its routing controls into the ARC cluster, its
/// health-checked weighted records into Route 53's data plane, wired as the template wires them) with the
/// values of events/failover-routing-controls.json, then moved the way the failover machine moves it: each
/// state of the routing controls must make DNS answer exactly the failover input's value for it.
/// </summary>
public sealed class DnsTemplateTests : IAsyncLifetime
{
    private const string SampleEvent = "events/failover-routing-controls.json";

    private readonly RoutingControlClusterStandIn _cluster = new();
    private readonly Route53StandIn _route53 = new(propagation: TimeSpan.Zero);
    private readonly DnsRecord _sample = JsonSerializer.Deserialize(
        File.ReadAllText(Path.Combine(RepositoryLayout.Root(), SampleEvent)), FailoverJsonContext.Default.FailoverInput)!.Dns;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _route53.DisposeAsync();
    }

    [Fact]
    public async Task Turning_the_deployed_routing_controls_makes_DNS_answer_the_failover_inputs_values()
    {
        var zoneId = _route53.CreateHostedZone("example.internal");
        var outputs = Deploy(zoneId);
        var controls = new RoutingControls(_cluster.Endpoints, outputs["RoutingControlArnuseast1"], outputs["HoldRoutingControlArn"], outputs["RoutingControlArnuseast2"]);
        var dns = _sample with { HostedZoneId = zoneId, RoutingControls = controls };
        var ingress = IngressDns.Create("us-east-2", new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "secret"), route53Endpoint: null);

        foreach (var (point, expected) in new[] { (IngressDns.Source, _sample.SourceValue), (IngressDns.Hold, _sample.HoldValue), (IngressDns.Target, _sample.TargetValue) })
        {
            await ingress.PointAsync(dns, point, "test", CancellationToken.None);
            Assert.Equal([expected], _route53.Resolve(zoneId, _sample.RecordName, _sample.RecordType));
        }
    }

    /// <summary>Why the deploy's last step turns the active region's control On: all Off, Route 53 answers every record of the group.</summary>
    [Fact]
    public void Until_a_control_is_On_DNS_answers_every_value()
    {
        var zoneId = _route53.CreateHostedZone("example.internal");
        Deploy(zoneId);

        Assert.Equal(
            new[] { _sample.SourceValue, _sample.TargetValue, _sample.HoldValue }.Order(),
            _route53.Resolve(zoneId, _sample.RecordName, _sample.RecordType).Order());
    }

    [Fact]
    public void The_sample_events_routing_control_arns_have_the_form_arc_gives_them()
    {
        var outputs = Deploy(_route53.CreateHostedZone("example.internal"));
        var form = new System.Text.RegularExpressions.Regex(@"^arn:aws:route53-recovery-control::\d{12}:controlpanel/[0-9a-z]+/routingcontrol/[0-9a-z-]+$");
        Assert.All(
            new[] { outputs["RoutingControlArnuseast1"], outputs["HoldRoutingControlArn"], _sample.RoutingControls!.SourceArn, _sample.RoutingControls.HoldArn, _sample.RoutingControls.TargetArn },
            arn => Assert.Matches(form, arn));
    }

    /// <summary>
    /// Creates what the template declares, resolved for one deployment, in the stand-ins (controls Off, as
    /// ARC creates them), and returns the stack's outputs.
    /// </summary>
    private Dictionary<string, string> Deploy(string zoneId)
    {
        var parameters = new Dictionary<string, string>
        {
            ["StreamName"] = "kds-stream-1",
            ["Regions"] = "us-east-1,us-east-2",
            ["HostedZoneId"] = zoneId,
            ["RecordName"] = _sample.RecordName,
            ["IngressDomain"] = "kinesis.example.internal",
            ["HoldValue"] = _sample.HoldValue,
        };
        var template = DeployedTemplate.With(CloudFormationTemplate.Load("dns-template.yml", parameters), parameters);
        var stack = new ConcreteTemplate(template, "us-west-2", parameters);
        string Resolved(JsonNode? node) => stack.Resolve(node)!.ToString();

        foreach (var (id, _, _) in template.ResourcesOfType("AWS::Route53RecoveryControl::RoutingControl"))
        {
            _cluster.AddRoutingControl(Resolved(new JsonObject { ["Ref"] = id }), on: false);
        }

        var controlOf = template.ResourcesOfType("AWS::Route53::HealthCheck").ToDictionary(
            h => Resolved(new JsonObject { ["Ref"] = h.LogicalId }),
            h => h.Properties["HealthCheckConfig"] is { } config && config["Type"]?.ToString() == "RECOVERY_CONTROL" && config["RoutingControlArn"] is { } control
                ? Resolved(control)
                : throw new InvalidOperationException($"{h.LogicalId} is no RECOVERY_CONTROL health check with a RoutingControlArn"));
        foreach (var group in template.ResourcesOfType("AWS::Route53::RecordSet").GroupBy(r => (Name: Resolved(r.Properties["Name"]), Type: Resolved(r.Properties["Type"]))))
        {
            Assert.All(group, r => Assert.Equal(zoneId, Resolved(r.Properties["HostedZoneId"])));
            Assert.Single(group.Select(r => Resolved(r.Properties["Weight"])).Distinct());
            _route53.AddHealthCheckedRecords(zoneId, group.Key.Name, group.Key.Type, group
                .Select(r => (Value: Resolved(r.Properties["ResourceRecords"]![0]), Control: controlOf[Resolved(r.Properties["HealthCheckId"])]))
                .Select(a => (a.Value, (Func<bool>)(() => _cluster.IsOn(a.Control))))
                .ToList());
        }

        return template.Root["Outputs"]!.AsObject().ToDictionary(o => o.Key, o => Resolved(o.Value!["Value"]));
    }
}
