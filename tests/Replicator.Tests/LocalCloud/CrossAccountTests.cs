using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.StandIns;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;
using Replicator.Tests.Fakes;

namespace Replicator.Tests.LocalCloud;

/// <summary>A target stream in another account, reached by assuming a role there through STS.</summary>
[Collection(LocalCloudCollection.Name)]
public sealed class CrossAccountTests(LocalCloudFixture fixture)
{
    private const string WriterRole = "arn:aws:iam::111122223333:role/kinesis-replicator-writer";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_relay_writes_as_the_assumed_role_and_caches_its_credentials()
    {
        var stream = await NewActiveStreamAsync("xacct");
        await using var targetAccount = new TargetAccountStandIn(fixture.Cloud.Region(fixture.RegionB).KinesisEndpoint, WriterRole, TimeSpan.FromHours(1));

        var produced = await ReplicateThroughAsync(targetAccount, stream);

        var session = Assert.Single(targetAccount.AssumeRoleCalls);
        Assert.Equal("S3RVER", session.CallerAccessKeyId);
        Assert.Equal($"kinesis-relay-{fixture.RegionA}-to-{fixture.RegionB}", session.SessionName);
        Assert.NotEmpty(targetAccount.KinesisCallers);
        Assert.All(targetAccount.KinesisCallers, caller => Assert.Equal(session.IssuedAccessKeyId, caller));
        await AssertReplicatedAsync(stream, produced);
    }

    [Fact]
    public async Task Credentials_near_expiry_are_replaced_before_a_call_could_use_them()
    {
        var stream = await NewActiveStreamAsync("xacct-refresh");
        // Inside the five-minute window in which the relay assumes the role again rather than use credentials about to lapse.
        await using var targetAccount = new TargetAccountStandIn(fixture.Cloud.Region(fixture.RegionB).KinesisEndpoint, WriterRole, TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(5));

        var produced = await ReplicateThroughAsync(targetAccount, stream);

        Assert.True(targetAccount.AssumeRoleCalls.Count > 1);
        // The stand-in refuses expired or unknown keys: every call it let through was signed with a current session.
        Assert.All(targetAccount.KinesisCallers, caller => Assert.Contains(targetAccount.AssumeRoleCalls, call => call.IssuedAccessKeyId == caller));
        await AssertReplicatedAsync(stream, produced);
    }

    private async Task<IReadOnlyList<CdcRecord>> ReplicateThroughAsync(TargetAccountStandIn targetAccount, string stream)
    {
        var environment = CrossAccountEnvironment(targetAccount);
        environment[RelayEnvironment.TargetRoleArn] = WriterRole;
        await using var relay = new RunningRelay(fixture, stream, environment, TextWriter.Null);
        var records = CdcProducer.Generate(200, keys: 20, DateTimeOffset.UtcNow);
        await new CdcProducer(fixture.Cloud.CreateKinesisClient(fixture.RegionA), stream).ProduceAsync(records, 50, null, CancellationToken.None);
        await relay.WaitUntilAcknowledgedAsync(records.Count, Patience);
        return records;
    }

    private async Task AssertReplicatedAsync(string stream, IReadOnlyList<CdcRecord> produced)
    {
        var arrived = (await StreamContents.ReadAsync(fixture.Cloud.CreateKinesisClient(fixture.RegionB), stream, CancellationToken.None)).SelectMany(s => s.Records);
        var check = ReplicationCheck.Compare(produced, arrived.Select(r => CdcRecord.Parse(r.Data)));
        Assert.True(check.Passed, check.ToString());
    }

    [Fact]
    public async Task Without_the_role_the_target_account_refuses_and_the_error_names_the_setting()
    {
        var stream = await NewActiveStreamAsync("xacct-denied");
        await using var targetAccount = new TargetAccountStandIn(fixture.Cloud.Region(fixture.RegionB).KinesisEndpoint, WriterRole, TimeSpan.FromHours(1));
        var log = new StringWriter();
        var relay = RelayFactory.Create(CrossAccountEnvironment(targetAccount), metricsOutput: log);

        var error = await Assert.ThrowsAsync<RelayTargetException>(
            () => relay.HandleAsync(LocalCloudFixture.SampleRelayEvent(stream), TestContexts.Create(log), CancellationToken.None));

        Assert.Contains("kinesis:PutRecords", error.Message, StringComparison.Ordinal);
        Assert.Contains(RelayEnvironment.TargetRoleArn, error.Message, StringComparison.Ordinal);
        Assert.Empty(targetAccount.KinesisCallers);
    }

    private Dictionary<string, string> CrossAccountEnvironment(TargetAccountStandIn targetAccount)
    {
        var environment = LocalFunctionEnvironment.Relay(fixture.Cloud, fixture.RegionA, fixture.RegionB);
        environment[RelayEnvironment.TargetKinesisEndpoint] = targetAccount.Endpoint.ToString();
        environment[RelayEnvironment.StsEndpoint] = targetAccount.Endpoint.ToString();
        return environment;
    }

    private async Task<string> NewActiveStreamAsync(string purpose)
    {
        var stream = await fixture.CreateStreamPairAsync(purpose);
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionA, CancellationToken.None);
        return stream;
    }
}
