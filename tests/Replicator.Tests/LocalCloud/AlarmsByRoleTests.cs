using Replicator.LocalCloud.Demo;
using Replicator.Monitoring;
using Replicator.Tests.Templates;
using static Replicator.Tests.Templates.AlarmEvaluator;

namespace Replicator.Tests.LocalCloud;

/// <summary>
/// Every alarm of template.yaml evaluated against ten minutes of what a stack emits: the lag monitor's
/// real metric lines (run against the local cloud, once a minute as its schedule does) and the Lambda
/// service's metrics of healthy functions. A standby stack and a healthy active one are quiet; an
/// active region that goes silent alarms.
/// </summary>
[Collection(LocalCloudCollection.Name)]
public sealed class AlarmsByRoleTests(LocalCloudFixture fixture)
{
    private const int Minutes = 10;
    private static readonly string[] Targets = TemplateTests.TwoTargets["ReplicationTargetRegions"].Split(',');

    [Fact]
    public async Task A_healthy_standby_stack_raises_nothing()
    {
        var states = await EvaluateAsync("standby", activeRegion: Targets[0], healthyFunctions: true);

        Assert.Empty(states.Where(s => s.Value != State.Ok).Select(s => $"{s.Key}: {s.Value}"));
    }

    [Fact]
    public async Task A_healthy_active_stack_raises_nothing()
    {
        var states = await EvaluateAsync("active", activeRegion: fixture.RegionA, healthyFunctions: true);

        Assert.Empty(states.Where(s => s.Value != State.Ok).Select(s => $"{s.Key}: {s.Value}"));
    }

    [Fact]
    public async Task A_silent_active_region_alarms_up_to_the_critical_tier()
    {
        var states = await EvaluateAsync("silent", activeRegion: null, healthyFunctions: false);

        foreach (var target in Targets.Select(t => "To" + t.Replace("-", "", StringComparison.Ordinal)))
        {
            Assert.Equal(State.Alarm, states[$"CheckpointLagCriticalAlarm{target}"]);
            Assert.Equal(State.Alarm, states[$"SystemHealthCompositeAlarm{target}"]);
        }
    }

    /// <summary>An adopted stream allowing 10 MiB records, on a standby stack: only the record size alarm, to the ops tier.</summary>
    [Fact]
    public async Task A_stream_allowing_records_no_invocation_carries_alarms_on_its_own()
    {
        var states = await EvaluateAsync("size", activeRegion: Targets[0], healthyFunctions: true, maxRecordKiB: 10240);

        Assert.Equal(["RecordSizeBeyondDeliveryAlarm"], states.Where(s => s.Value != State.Ok).Select(s => s.Key));
    }

    /// <param name="activeRegion">The region the config names active; null for a region that emits nothing at all.</param>
    /// <param name="maxRecordKiB">The stream's MaxRecordSizeInKiB, set by UpdateMaxRecordSize; null leaves Kinesis's 1024.</param>
    private async Task<IReadOnlyDictionary<string, State>> EvaluateAsync(string name, string? activeRegion, bool healthyFunctions, int? maxRecordKiB = null)
    {
        var stream = await fixture.CreateStreamAsync($"alarms{name}", fixture.RegionA);
        if (maxRecordKiB is { } kiB)
        {
            var kinesis = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
            await kinesis.UpdateMaxRecordSizeAsync((await kinesis.DescribeStreamSummaryAsync(stream, CancellationToken.None)).StreamARN, kiB, CancellationToken.None);
        }

        var template = DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", TemplateTests.TwoTargets), TemplateTests.TwoTargets);
        var metrics = new MetricSeries();
        for (var minute = 0; minute < Minutes; minute++)
        {
            if (activeRegion is not null)
            {
                await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, activeRegion, CancellationToken.None);
                var lines = new StringWriter();
                await LagMonitorFunction.Create(LocalFunctionEnvironment.LagMonitor(fixture.Cloud, fixture.RegionA, [stream], Targets), lines)
                    .MeasureAsync($"req-{minute}", CancellationToken.None);
                metrics.AddEmbeddedMetrics(lines.ToString(), minute);
            }

            if (healthyFunctions)
            {
                foreach (var function in template.ResourcesOfType("AWS::Serverless::Function"))
                {
                    foreach (var (metric, value) in new[] { ("Invocations", 1.0), ("Errors", 0.0), ("Throttles", 0.0), ("IteratorAge", 500.0) })
                    {
                        metrics.Add("AWS/Lambda", metric, [("FunctionName", function.LogicalId)], minute, value);
                    }
                }
            }
        }

        return new AlarmEvaluator(template, new Dictionary<string, string> { ["InputStreamName"] = stream }).Evaluate(metrics);
    }
}
