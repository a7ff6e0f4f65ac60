using System.Net;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.Route53;
using Replicator.LocalCloud.StandIns;

namespace Replicator.Tests.StandIns;

/// <summary>The Route 53 client against the local stand-in: the REST/XML shapes both ways, propagation, and the API's error codes.</summary>
public sealed class Route53StandInTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private Route53StandIn _standIn = null!;
    private Route53Client _client = null!;
    private string _zone = "";

    public Task InitializeAsync()
    {
        _standIn = new Route53StandIn(TimeSpan.FromSeconds(2), _time);
        _client = new Route53Client(new AwsServiceOptions("eu-west-1", new BasicAWSCredentials("LOCAL", "LOCAL"), AwsEnvironment.HttpClient)
        {
            EndpointOverride = _standIn.Endpoint,
            Retry = RetrySettings.None,
        });
        _zone = _standIn.CreateHostedZone("replicator.test");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _standIn.DisposeAsync();

    [Fact]
    public async Task Upsert_is_pending_until_propagated_then_in_sync_and_listed()
    {
        var change = await _client.ChangeResourceRecordSetsAsync(_zone, "move orders", [Upsert("orders.replicator.test", "kinesis.us-east-1.amazonaws.com")], default);

        Assert.StartsWith("/change/C", change.Id, StringComparison.Ordinal);
        Assert.Equal(ChangeInfo.Pending, change.Status);
        Assert.Equal("move orders", change.Comment);
        Assert.Equal(ChangeInfo.Pending, (await _client.GetChangeAsync(change.Id, default)).Status);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(ChangeInfo.InSync, (await _client.GetChangeAsync(change.Id, default)).Status);

        var found = await _client.FindRecordSetAsync(_zone, "orders.replicator.test", "CNAME", default);
        Assert.Equal(new[] { "kinesis.us-east-1.amazonaws.com" }, found!.Values);
        Assert.Equal("orders.replicator.test.", found.Name);
        Assert.Equal(5, found.Ttl);
    }

    [Fact]
    public async Task Upsert_replaces_and_delete_needs_the_exact_values()
    {
        await _client.ChangeResourceRecordSetsAsync(_zone, null, [Upsert("orders.replicator.test", "a.example")], default);
        await _client.ChangeResourceRecordSetsAsync(_zone, null, [Upsert("orders.replicator.test", "b.example")], default);
        Assert.Equal(new[] { "b.example" }, (await _client.FindRecordSetAsync(_zone, "orders.replicator.test", "CNAME", default))!.Values);

        var mismatch = await Assert.ThrowsAsync<AwsServiceException>(() =>
            _client.ChangeResourceRecordSetsAsync(_zone, null, [new RecordChange(RecordChange.Delete, Set("orders.replicator.test", "a.example"))], default));
        Assert.Equal("InvalidChangeBatch", mismatch.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);

        await _client.ChangeResourceRecordSetsAsync(_zone, null, [new RecordChange(RecordChange.Delete, Set("orders.replicator.test", "b.example"))], default);
        Assert.Null(await _client.FindRecordSetAsync(_zone, "orders.replicator.test", "CNAME", default));
    }

    [Fact]
    public async Task A_batch_with_one_bad_change_applies_none()
    {
        await _client.ChangeResourceRecordSetsAsync(_zone, null, [new RecordChange(RecordChange.Create, Set("a.replicator.test", "x.example"))], default);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => _client.ChangeResourceRecordSetsAsync(_zone, null,
            [Upsert("b.replicator.test", "y.example"), new RecordChange(RecordChange.Create, Set("a.replicator.test", "z.example"))], default));

        Assert.Equal("InvalidChangeBatch", error.ErrorCode);
        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.Null(await _client.FindRecordSetAsync(_zone, "b.replicator.test", "CNAME", default));
    }

    [Fact]
    public async Task Listing_is_ordered_by_reversed_name_then_type_and_pages()
    {
        foreach (var name in new[] { "www.replicator.test", "api.replicator.test", "b.api.replicator.test" })
        {
            await _client.ChangeResourceRecordSetsAsync(_zone, null, [Upsert(name, "x.example")], default);
        }

        var first = await _client.ListResourceRecordSetsAsync(_zone, null, null, 2, default);
        Assert.Equal(new[] { "api.replicator.test.", "b.api.replicator.test." }, first.RecordSets.Select(s => s.Name));
        Assert.True(first.IsTruncated);
        var second = await _client.ListResourceRecordSetsAsync(_zone, first.NextRecordName, first.NextRecordType, 2, default);
        Assert.Equal(new[] { "www.replicator.test." }, second.RecordSets.Select(s => s.Name));
        Assert.False(second.IsTruncated);
    }

    [Fact]
    public async Task Unknown_zone_and_change_answer_the_api_error_codes()
    {
        var zone = await Assert.ThrowsAsync<AwsServiceException>(() => _client.ChangeResourceRecordSetsAsync("ZNOSUCHZONE", null, [Upsert("a.replicator.test", "x")], default));
        Assert.Equal(("NoSuchHostedZone", HttpStatusCode.NotFound), (zone.ErrorCode, zone.StatusCode));

        var change = await Assert.ThrowsAsync<AwsServiceException>(() => _client.GetChangeAsync("/change/CNOSUCH", default));
        Assert.Equal(("NoSuchChange", HttpStatusCode.NotFound), (change.ErrorCode, change.StatusCode));
    }

    private static RecordChange Upsert(string name, string value) => new(RecordChange.Upsert, Set(name, value));

    private static ResourceRecordSet Set(string name, string value) => new(name, "CNAME", 5, [value]);
}
