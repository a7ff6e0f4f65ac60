using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.Failover;
using Xunit.Abstractions;

namespace Replicator.Tests.LocalCloud;

/// <summary>Forced failover with the source region's emulators stopped mid-drain, on a cloud of its own (it stops a region).</summary>
[Collection(OwnCloudCollection.Name)]
public sealed class ForcedFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Forced_failover_with_the_source_down_reports_exactly_the_records_it_lost()
    {
        await using var cloud = await TwoRegionCloud.StartAsync(replicationLag: TwoRegionCloud.DefaultReplicationLag);
        using var log = new StringWriter();

        var result = await ForcedFailoverDrill.RunAsync(cloud, TextWriter.Synchronized(log), null, CancellationToken.None);

        output.WriteLine(result.FiguresJson());
        output.WriteLine($"{result.Execution.Error} {result.Execution.Cause}; states {string.Join(" → ", result.Execution.StatesEntered)}");
        Assert.True(result.Execution.IsSuccess, result.Execution.Cause);
        Assert.True((bool?)result.Execution.Output!["forced"]);
        Assert.True(result.ActualMissing > 0, "replication had fallen behind when the region went down");
        Assert.Equal(result.ActualMissing, result.ReportedRpoRecords);
        Assert.True((double?)result.Execution.Output["rpoSeconds"] > 0);
        Assert.Equal(FailoverDrill.ValueOf(TwoRegionCloud.DefaultRegionB), result.Dns);
        Assert.True(result.WrittenToTarget > 0, "producers moved to B");
        Assert.Equal(0, result.LostInTarget);
        Assert.Contains(result.Execution.StatesEntered, s => s == "Flip");
        Assert.True(result.DnsMoved);
        // Issue 17: re-producing from the reported point leaves nothing missing, and re-produces less than everything
        // (here most of what A took came after its relay stopped, so most of it must be re-produced).
        Assert.True((bool?)result.Execution.Output["producersMustResend"]);
        Assert.True(result.Resent >= result.ActualMissing, $"re-produced {result.Resent}, {result.ActualMissing} were missing");
        Assert.True(result.Resent < result.AcknowledgedInSource, $"re-produced all {result.Resent} records A took: the resume point spared none");
        Assert.Equal(0, result.MissingAfterResend);
        using var dynamoDb = cloud.CreateDynamoDbClient(TwoRegionCloud.DefaultRegionB);
        var config = (await dynamoDb.GetItemAsync(new Amazon.DynamoDBv2.Model.GetItemRequest
        {
            TableName = Replicator.LocalCloud.Demo.ReplicatorTables.Config,
            Key = new() { ["streamName"] = new Amazon.DynamoDBv2.Model.AttributeValue { S = (string)result.Execution.Output["streamName"]! } },
            ConsistentRead = true,
        })).Item;
        Assert.Equal(result.ResumeProducersFrom, config[Replicator.Relay.TableAttributes.ResumeProducersFrom].S);
    }

    /// <summary>
    /// Issue 15, item 5: A is us-east-1, and its outage takes Route 53's control plane with it (and the ARC
    /// cluster's us-east-1 and us-west-2 endpoints are down too). The forced failover moves the producers by
    /// routing controls, through the cluster's other endpoints, and completes with the RPO still exact.
    /// </summary>
    [Fact]
    public async Task Forced_failover_moves_producers_by_routing_controls_with_the_route53_control_plane_down()
    {
        await using var cloud = await TwoRegionCloud.StartAsync(replicationLag: TwoRegionCloud.DefaultReplicationLag);

        var result = await ForcedFailoverDrill.RunAsync(cloud, TextWriter.Null, null, CancellationToken.None, route53ControlPlaneDown: true, routingControls: true);

        output.WriteLine(result.FiguresJson());
        Assert.True(result.Execution.IsSuccess, $"{result.Execution.Error}: {result.Execution.Cause}");
        Assert.Contains(result.Execution.StatesEntered, s => s == "RepointDnsByRoutingControls");
        Assert.DoesNotContain(result.Execution.StatesEntered, s => s == "RepointDns");
        Assert.True(result.DnsMoved);
        Assert.True(result.WrittenToTarget > 0, "producers moved to B");
        Assert.Equal(result.ActualMissing, result.ReportedRpoRecords);
        Assert.Equal(0, result.LostInTarget);
    }
}
