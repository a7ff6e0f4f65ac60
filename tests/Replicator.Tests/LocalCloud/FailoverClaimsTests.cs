using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Replicator.Failover;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.Tests.Fakes;

namespace Replicator.Tests.LocalCloud;

/// <summary>
/// The failover's claim on three regions joined as global tables with 1 s replication lag (issue 15,
/// item 2), where each replica judges a condition alone: exactly one claimant holds a stream, a majority
/// is still reachable with any one region down, a claimant acts only on the newest config, and the fence
/// is seen by every replica before it is held.
/// </summary>
[Collection(LocalCloudCollection.Name)]
public sealed class FailoverClaimsTests : IAsyncLifetime
{
    private static readonly string[] Regions = [TwoRegionCloud.DefaultRegionA, TwoRegionCloud.DefaultRegionB, "eu-west-1"];
    private TwoRegionCloud _cloud = null!;
    private Dictionary<string, AmazonDynamoDBClient> _replicas = null!;

    private static string A => Regions[0];

    private static string B => Regions[1];

    private static string C => Regions[2];

    public async Task InitializeAsync()
    {
        _cloud = await TwoRegionCloud.StartAsync(Regions, replicationLag: TwoRegionCloud.DefaultReplicationLag);
        // No SDK retries and a short timeout, as FailoverClaims.From makes them: waits measured in virtual time stay short in real time.
        _replicas = Regions.ToDictionary(r => r, r => new AmazonDynamoDBClient(
            _cloud.Credentials,
            new AmazonDynamoDBConfig { ServiceURL = _cloud.Region(r).DynamoDbEndpoint.ToString(), AuthenticationRegion = r, MaxErrorRetry = 0, Timeout = TimeSpan.FromSeconds(2) }));
        foreach (var replica in _replicas.Values)
        {
            await ReplicatorTables.CreateAsync(replica, CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas.Values)
        {
            replica.Dispose();
        }

        await _cloud.DisposeAsync();
    }

    [Fact]
    public async Task Of_claimants_in_three_regions_at_once_exactly_one_holds_the_stream()
    {
        for (var round = 0; round < 5; round++)
        {
            var stream = await ActiveStreamAsync($"race{round}");

            var attempts = Regions.Select(r => Attempt(Claims(r), stream, holder: $"execution-in-{r}")).ToList();
            var outcomes = await Task.WhenAll(attempts);

            var winner = Assert.Single(outcomes, o => o.Result is not null);
            Assert.True(winner.Result!.Granted.Count >= 2, $"the winner holds {string.Join(", ", winner.Result.Granted)}");
            Assert.All(outcomes.Where(o => o.Result is null), o => Assert.IsType<FailoverClaimedException>(o.Error));
            await _cloud.GlobalTables!.SettledAsync();
            foreach (var region in Regions)
            {
                // Wherever a claim is held, it is the winner's: a refused claimant gives back what it took.
                Assert.Contains(await HolderAsync(region, stream), new[] { winner.Holder, null });
            }
        }
    }

    [Fact]
    public async Task With_any_one_of_three_regions_down_a_majority_is_still_claimed_and_still_exclusive()
    {
        var stream = await ActiveStreamAsync("onedown");
        _cloud.GlobalTables!.CutOff(C);
        try
        {
            var claimed = await Claims(A).ClaimAsync(new ClaimRequest(stream, "first", SourceRegion: C, Force: true), CancellationToken.None);
            var second = await Attempt(Claims(B), stream, "second");

            Assert.Equal([A, B], claimed.Granted);
            Assert.Equal([C], claimed.Unreachable);
            Assert.IsType<FailoverClaimedException>(second.Error);
        }
        finally
        {
            _cloud.GlobalTables.Restore(C);
        }
    }

    /// <summary>
    /// Two regions have no majority without both: only a forced failover, whose source is what does not
    /// answer, goes on with the target's claim alone. Its claim in the source stays held when it releases;
    /// once the source is back, the failback takes it over, seeing the holder released in the target.
    /// </summary>
    [Fact]
    public async Task With_two_regions_a_claim_needs_both_unless_a_forced_failover_finds_its_source_down()
    {
        var stream = await ActiveStreamAsync("tworegions");
        var twoRegions = Claims(B, [A]);
        // A failover that took A's claim just before A went down.
        await _replicas[A].PutItemAsync(ReplicatorTables.Config, new Dictionary<string, AttributeValue>
        {
            ["streamName"] = new AttributeValue { S = FailoverClaims.ClaimKey(stream, A) },
            ["holder"] = new AttributeValue { S = "forced" },
            ["expiresAt"] = new AttributeValue { N = "99999999999" },
        });
        _cloud.GlobalTables!.CutOff(A);

        var planned = await Assert.ThrowsAsync<FailoverClaimedException>(() => twoRegions.ClaimAsync(new ClaimRequest(stream, "planned", A, Force: false), CancellationToken.None));
        var forcedOtherSource = await Assert.ThrowsAsync<FailoverClaimedException>(() => twoRegions.ClaimAsync(new ClaimRequest(stream, "another", B, Force: true), CancellationToken.None));
        var forced = await twoRegions.ClaimAsync(new ClaimRequest(stream, "forced", A, Force: true), CancellationToken.None);
        _cloud.GlobalTables.Restore(A);
        var whileForcedRuns = await Assert.ThrowsAsync<FailoverClaimedException>(() => Claims(A, [B]).ClaimAsync(new ClaimRequest(stream, "failback", B, Force: false), CancellationToken.None));
        _cloud.GlobalTables.CutOff(A);
        var released = await twoRegions.ReleaseAsync(stream, "forced", CancellationToken.None);
        _cloud.GlobalTables.Restore(A);
        var failback = await Claims(A, [B]).ClaimAsync(new ClaimRequest(stream, "failback", B, Force: false), CancellationToken.None);

        Assert.Contains("could claim only 1 of 2", planned.Message, StringComparison.Ordinal);
        Assert.Contains($"unreachable: {A}", forcedOtherSource.Message, StringComparison.Ordinal);
        Assert.Equal([B], forced.Granted);
        Assert.Contains("holds its claim in", whileForcedRuns.Message, StringComparison.Ordinal);
        Assert.Equal([B], released.Released);
        Assert.Equal([A], released.Unreachable);
        // A's claim is still the forced failover's, but B shows it released: the failback takes it over.
        Assert.Equal([A, B], failback.Granted);
    }

    /// <summary>
    /// A failover in B leaves the config at a new version and releases; one claimed in C a moment later would
    /// otherwise read C's replica before replication brings that version, and undo it by writing last.
    /// </summary>
    [Fact]
    public async Task A_claimant_acts_only_once_its_replica_has_the_config_the_last_failover_left()
    {
        var stream = await ActiveStreamAsync("stale");
        await Claims(B).ClaimAsync(new ClaimRequest(stream, "earlier", A, Force: false), CancellationToken.None);
        await _replicas[B].UpdateItemAsync(new UpdateItemRequest
        {
            TableName = ReplicatorTables.Config,
            Key = ConfigKey(stream),
            UpdateExpression = "SET activeRegion = :b, version = :v",
            ExpressionAttributeValues = new() { [":b"] = new AttributeValue { S = B }, [":v"] = new AttributeValue { N = "5" } },
        });
        var released = await Claims(B).ReleaseAsync(stream, "earlier", CancellationToken.None);
        var versionInCBefore = await ConfigVersionAsync(C, stream);

        var claimed = await Claims(C).ClaimAsync(new ClaimRequest(stream, "later", B, Force: false), CancellationToken.None);

        Assert.Equal(Regions.Order(StringComparer.Ordinal), released.Released);
        Assert.Equal(5, released.ConfigVersion);
        Assert.True(versionInCBefore < 5, "C's replica must still lag when the later claimant starts, or this proves nothing");
        Assert.Equal(5, claimed.LastConfigVersion);
        Assert.Equal(5, await ConfigVersionAsync(C, stream));
    }

    [Fact]
    public async Task A_claim_left_by_an_execution_that_ended_expires_after_the_lease_and_a_released_one_is_free_at_once()
    {
        var (expired, released) = (await ActiveStreamAsync("expired"), await ActiveStreamAsync("released"));
        var longAgo = new FailoverClaims(Replicas(A, [B, C]), new VirtualClock(DateTimeOffset.UtcNow - FailoverClaims.Lease - TimeSpan.FromMinutes(1)));
        await longAgo.ClaimAsync(new ClaimRequest(expired, "died", A, Force: false), CancellationToken.None);
        await Claims(A).ClaimAsync(new ClaimRequest(released, "done", A, Force: false), CancellationToken.None);
        await Claims(A).ReleaseAsync(released, "done", CancellationToken.None);

        var takenOver = await Claims(B).ClaimAsync(new ClaimRequest(expired, "next", A, Force: false), CancellationToken.None);
        var free = await Claims(B).ClaimAsync(new ClaimRequest(released, "next", A, Force: false), CancellationToken.None);

        Assert.Equal(3, takenOver.Granted.Count);
        Assert.Equal(3, free.Granted.Count);
    }

    [Fact]
    public async Task The_fence_is_awaited_in_every_replica_and_a_planned_failovers_source_cannot_be_skipped()
    {
        var stream = await ActiveStreamAsync("fence");
        await _replicas[B].UpdateItemAsync(new UpdateItemRequest
        {
            TableName = ReplicatorTables.Config,
            Key = ConfigKey(stream),
            UpdateExpression = "SET #state = :fenced, version = :v",
            ExpressionAttributeNames = new() { ["#state"] = "state" },
            ExpressionAttributeValues = new() { [":fenced"] = new AttributeValue { S = "fenced" }, [":v"] = new AttributeValue { N = "2" } },
        });
        var seen = await new FenceReplication(Replicas(B), TimeProvider.System).AwaitFenceAsync(new FenceRequest(stream, 2, A, Force: false), CancellationToken.None);
        Assert.Equal(Regions.Order(StringComparer.Ordinal), seen.Confirmed);
        // Replication brought that fence everywhere; now a later one that A never sees.
        await _replicas[B].UpdateItemAsync(new UpdateItemRequest
        {
            TableName = ReplicatorTables.Config,
            Key = ConfigKey(stream),
            UpdateExpression = "SET version = :v",
            ExpressionAttributeValues = new() { [":v"] = new AttributeValue { N = "3" } },
        });
        _cloud.GlobalTables!.CutOff(A);
        // C gets the later fence; A, cut off, does not.
        await Task.Delay(TwoRegionCloud.DefaultReplicationLag * 2);
        try
        {
            var virtualTime = new FenceReplication(Replicas(B, [A, C]), new VirtualClock(DateTimeOffset.UtcNow));
            var planned = await Assert.ThrowsAsync<FenceNotReplicatedException>(() => virtualTime.AwaitFenceAsync(new FenceRequest(stream, 3, A, Force: false), CancellationToken.None));
            var forced = await virtualTime.AwaitFenceAsync(new FenceRequest(stream, 3, A, Force: true), CancellationToken.None);
            var otherRegionDown = await virtualTime.AwaitFenceAsync(new FenceRequest(stream, 3, C, Force: false), CancellationToken.None);

            Assert.Contains($"has not reached the replica of {ReplicatorTables.Config} in {A}", planned.Message, StringComparison.Ordinal);
            Assert.Equal(new[] { B, C }.Order(StringComparer.Ordinal), forced.Confirmed);
            Assert.Equal([A], forced.Unreachable);
            Assert.Equal([A], otherRegionDown.Unreachable);
        }
        finally
        {
            _cloud.GlobalTables.Restore(A);
        }
    }

    private FailoverClaims Claims(string local, IReadOnlyList<string>? others = null) => new(Replicas(local, others), TimeProvider.System);

    private ConfigReplicas Replicas(string local, IReadOnlyList<string>? others = null) =>
        new(r => _replicas[r], ReplicatorTables.Config, others ?? Regions.Where(r => r != local).ToList(), local);

    private static async Task<(string Holder, ClaimResult? Result, Exception? Error)> Attempt(FailoverClaims claims, string stream, string holder)
    {
        try
        {
            return (holder, await claims.ClaimAsync(new ClaimRequest(stream, holder, A, Force: false), CancellationToken.None), null);
        }
        catch (Exception e) when (e is FailoverClaimedException)
        {
            return (holder, null, e);
        }
    }

    /// <summary>A stream active in A, its config replicated to every region.</summary>
    private async Task<string> ActiveStreamAsync(string purpose)
    {
        var stream = LocalCloudFixture.UniqueStreamName(purpose);
        await _replicas[A].PutItemAsync(ReplicatorTables.Config, new Dictionary<string, AttributeValue>(ConfigKey(stream))
        {
            ["activeRegion"] = new AttributeValue { S = A },
            ["version"] = new AttributeValue { N = "1" },
        });
        await Task.Delay(TwoRegionCloud.DefaultReplicationLag);
        await _cloud.GlobalTables!.SettledAsync();
        return stream;
    }

    private async Task<string?> HolderAsync(string region, string stream)
    {
        var item = (await _replicas[region].GetItemAsync(new GetItemRequest
        {
            TableName = ReplicatorTables.Config,
            Key = new() { ["streamName"] = new AttributeValue { S = FailoverClaims.ClaimKey(stream, region) } },
            ConsistentRead = true,
        })).Item;
        return item is not null && item.TryGetValue("holder", out var holder) ? holder.S : null;
    }

    private async Task<long> ConfigVersionAsync(string region, string stream)
    {
        var item = (await _replicas[region].GetItemAsync(new GetItemRequest { TableName = ReplicatorTables.Config, Key = ConfigKey(stream), ConsistentRead = true })).Item;
        return item is not null && item.TryGetValue("version", out var version) ? long.Parse(version.N, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static Dictionary<string, AttributeValue> ConfigKey(string stream) => new() { ["streamName"] = new AttributeValue { S = stream } };
}
