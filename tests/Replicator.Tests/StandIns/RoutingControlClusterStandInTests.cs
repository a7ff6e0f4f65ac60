using Replicator.Aws;
using Replicator.Aws.RoutingControl;
using Replicator.LocalCloud.StandIns;

namespace Replicator.Tests.StandIns;

/// <summary>
/// The routing control client against the local ARC cluster: it tries the cluster's Regional endpoints in
/// turn (ARC developer guide, "Getting and updating routing control states using the ARC API"), sets every
/// entry or none, and names every endpoint's answer when none takes the change.
/// </summary>
public sealed class RoutingControlClusterStandInTests : IAsyncLifetime
{
    private readonly RoutingControlClusterStandIn _cluster = new();
    private readonly Amazon.Runtime.BasicAWSCredentials _credentials = new("AKIDEXAMPLE", "secret");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task An_update_goes_through_the_first_endpoint_that_answers_and_sets_every_entry()
    {
        var (a, b) = (_cluster.CreateRoutingControl("a", on: true), _cluster.CreateRoutingControl("b", on: false));
        _cluster.TakeDown("us-east-1");
        _cluster.TakeDown("us-west-2");

        var through = await Client().UpdateRoutingControlStatesAsync(
            [new RoutingControlStateEntry(a, RoutingControlStateEntry.Off), new RoutingControlStateEntry(b, RoutingControlStateEntry.On)], CancellationToken.None);

        Assert.Equal("eu-west-1", through);
        Assert.Equal((false, true), (_cluster.IsOn(a), _cluster.IsOn(b)));
        Assert.Equal(1, _cluster.Updates);
    }

    [Fact]
    public async Task An_update_naming_an_unknown_control_changes_nothing_and_is_not_tried_elsewhere()
    {
        var a = _cluster.CreateRoutingControl("a", on: true);

        var refused = await Assert.ThrowsAnyAsync<Replicator.Aws.Json.AwsServiceException>(() => Client().UpdateRoutingControlStatesAsync(
            [new RoutingControlStateEntry(a, RoutingControlStateEntry.Off), new RoutingControlStateEntry(a + "-missing", RoutingControlStateEntry.On)], CancellationToken.None));

        Assert.Equal("ResourceNotFoundException", refused.ErrorCode);
        Assert.True(_cluster.IsOn(a));
        Assert.Equal(0, _cluster.Updates);
    }

    [Fact]
    public async Task With_every_endpoint_down_the_error_names_each_one()
    {
        var a = _cluster.CreateRoutingControl("a", on: true);
        foreach (var region in RoutingControlClusterStandIn.EndpointRegions)
        {
            _cluster.TakeDown(region);
        }

        var error = await Assert.ThrowsAsync<RoutingControlsUnreachableException>(() => Client().UpdateRoutingControlStatesAsync(
            [new RoutingControlStateEntry(a, RoutingControlStateEntry.Off)], CancellationToken.None));

        Assert.All(RoutingControlClusterStandIn.EndpointRegions, region => Assert.Contains(region, error.Message, StringComparison.Ordinal));
        Assert.True(_cluster.IsOn(a));
    }

    private RoutingControlClient Client() => new(_cluster.Endpoints, _credentials, AwsEnvironment.HttpClient);
}
