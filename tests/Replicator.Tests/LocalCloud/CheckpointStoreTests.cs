using Replicator.Relay;

namespace Replicator.Tests.LocalCloud;

[Collection(LocalCloudCollection.Name)]
public sealed class CheckpointStoreTests(LocalCloudFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    private CheckpointStore Store => new(fixture.DynamoDb, Replicator.LocalCloud.Demo.ReplicatorTables.Checkpoint, TimeProvider.System);

    [Fact]
    public async Task A_checkpoint_never_moves_backwards()
    {
        var stream = LocalCloudFixture.UniqueStreamName("cp");
        // 99 < 100 numerically but not as text: the zero padding is what makes the condition right.
        string[] shards = ["shardId-000000000000"];
        var ahead = await Store.AdvanceAsync(stream, Checkpoint(shards[0], "100", T0.AddSeconds(10)), shards, CancellationToken.None);
        var behind = await Store.AdvanceAsync(stream, Checkpoint(shards[0], "99", T0.AddSeconds(5)), shards, CancellationToken.None);
        var same = await Store.AdvanceAsync(stream, Checkpoint(shards[0], "100", T0.AddSeconds(10)), shards, CancellationToken.None);

        var stored = await Store.ReadAsync(stream, CancellationToken.None);

        Assert.Equal(CheckpointAdvance.Advanced, ahead);
        Assert.Equal(CheckpointAdvance.AlreadyAtOrPast, behind);
        Assert.Equal(CheckpointAdvance.AlreadyAtOrPast, same);
        var shard = Assert.Single(stored.Shards);
        Assert.Equal("100", shard.SequenceNumber);
        Assert.Equal(T0.AddSeconds(10), shard.CommitTimestamp);
        Assert.Equal(T0.AddSeconds(10), stored.LastReplicatedCommitTimestamp);
    }

    /// <summary>Seed 004 wrote each record's commitTimestamp as the producer sent it; any such value is read or replaced, never an error.</summary>
    [Theory]
    [InlineData("", null)]
    [InlineData("2026-11-24T23:59:59Z", "2026-11-24T23:59:59Z")]
    [InlineData("2026-11-24T23:59:59.5+02:00", "2026-11-24T21:59:59.5Z")]
    [InlineData("2026-11-24 23:59:59", "2026-11-24T23:59:59Z")]
    [InlineData("not a time", null)]
    public async Task A_seed_written_watermark_in_any_format_is_read_and_replaced_by_the_first_one_raised_past_it(string seedWritten, string? readAs)
    {
        var stream = LocalCloudFixture.UniqueStreamName("cpseed");
        await fixture.DynamoDb.PutItemAsync(Replicator.LocalCloud.Demo.ReplicatorTables.Checkpoint, new()
        {
            [TableAttributes.StreamName] = new Amazon.DynamoDBv2.Model.AttributeValue { S = stream },
            [TableAttributes.LastReplicatedCommitTimestamp] = new Amazon.DynamoDBv2.Model.AttributeValue { S = seedWritten },
        });
        string[] shards = ["shardId-000000000000"];

        var before = await Store.ReadAsync(stream, CancellationToken.None);
        await Store.AdvanceAsync(stream, Checkpoint(shards[0], "100", T0.AddSeconds(10)), shards, CancellationToken.None);
        var after = await Store.ReadAsync(stream, CancellationToken.None);

        Assert.Equal(readAs is null ? null : DateTimeOffset.Parse(readAs, System.Globalization.CultureInfo.InvariantCulture), before.LastReplicatedCommitTimestamp);
        Assert.Equal(T0.AddSeconds(10), after.LastReplicatedCommitTimestamp);
        Assert.Equal(CommitTimestamps.Format(T0.AddSeconds(10)), after.StoredWatermark);
    }

    [Fact]
    public async Task A_seed_written_watermark_later_than_this_relays_is_kept()
    {
        var stream = LocalCloudFixture.UniqueStreamName("cpseed");
        await fixture.DynamoDb.PutItemAsync(Replicator.LocalCloud.Demo.ReplicatorTables.Checkpoint, new()
        {
            [TableAttributes.StreamName] = new Amazon.DynamoDBv2.Model.AttributeValue { S = stream },
            [TableAttributes.LastReplicatedCommitTimestamp] = new Amazon.DynamoDBv2.Model.AttributeValue { S = "2026-11-25T00:01:00Z" },
        });
        string[] shards = ["shardId-000000000000"];

        await Store.AdvanceAsync(stream, Checkpoint(shards[0], "100", T0.AddSeconds(10)), shards, CancellationToken.None);

        Assert.Equal("2026-11-25T00:01:00Z", (await Store.ReadAsync(stream, CancellationToken.None)).StoredWatermark);
    }

    [Fact]
    public async Task Two_shards_advancing_in_parallel_leave_the_stream_watermark_at_their_minimum()
    {
        var stream = LocalCloudFixture.UniqueStreamName("cp");
        var fast = Enumerable.Range(1, 40).Select(i => Checkpoint("shardId-000000000000", (1000 + i).ToString(), T0.AddSeconds(i)));
        var slow = Enumerable.Range(1, 20).Select(i => Checkpoint("shardId-000000000001", (5000 + i).ToString(), T0.AddSeconds(i)));

        string[] shards = ["shardId-000000000000", "shardId-000000000001"];
        // Each shard's writes are in order (one poller per shard), the two shards race each other.
        await Task.WhenAll(
            Task.Run(async () => { foreach (var c in fast) { await Store.AdvanceAsync(stream, c, shards, CancellationToken.None); } }),
            Task.Run(async () => { foreach (var c in slow) { await Store.AdvanceAsync(stream, c, shards, CancellationToken.None); } }));

        var stored = await Store.ReadAsync(stream, CancellationToken.None);

        Assert.Equal(2, stored.Shards.Count);
        Assert.Equal(T0.AddSeconds(20), stored.LastReplicatedCommitTimestamp);
        Assert.Equal("1040", stored.Shards.Single(s => s.ShardId.EndsWith('0')).SequenceNumber);
        Assert.Equal("5020", stored.Shards.Single(s => s.ShardId.EndsWith('1')).SequenceNumber);
    }

    [Fact]
    public async Task A_later_batch_ending_on_an_older_commit_keeps_the_latest_commit_replicated()
    {
        var stream = LocalCloudFixture.UniqueStreamName("cp");
        string[] shards = ["shardId-000000000000"];

        // Records of different keys need not arrive in commit order: the second batch ends on an older commit.
        await Store.AdvanceAsync(stream, Checkpoint(shards[0], "100", T0.AddSeconds(10)), shards, CancellationToken.None);
        var second = await Store.AdvanceAsync(stream, Checkpoint(shards[0], "200", T0.AddSeconds(5)), shards, CancellationToken.None);

        var stored = await Store.ReadAsync(stream, CancellationToken.None);
        Assert.Equal(CheckpointAdvance.Advanced, second);
        var shard = Assert.Single(stored.Shards);
        Assert.Equal("200", shard.SequenceNumber);
        Assert.Equal(T0.AddSeconds(10), shard.CommitTimestamp);
        Assert.Equal(T0.AddSeconds(10), stored.LastReplicatedCommitTimestamp);
    }

    [Fact]
    public async Task A_shard_without_a_checkpoint_holds_the_stream_watermark_back()
    {
        var stream = LocalCloudFixture.UniqueStreamName("cp");
        string[] shards = ["shardId-000000000000", "shardId-000000000001"];

        // Shard 0 far ahead while shard 1 has not replicated anything yet: nothing is proven for shard 1.
        await Store.AdvanceAsync(stream, Checkpoint(shards[0], "500", T0.AddSeconds(50)), shards, CancellationToken.None);
        var beforeShard1 = await Store.ReadAsync(stream, CancellationToken.None);
        await Store.AdvanceAsync(stream, Checkpoint(shards[1], "7", T0.AddSeconds(3)), shards, CancellationToken.None);
        var afterShard1 = await Store.ReadAsync(stream, CancellationToken.None);

        Assert.Null(beforeShard1.LastReplicatedCommitTimestamp);
        Assert.Equal(T0.AddSeconds(3), afterShard1.LastReplicatedCommitTimestamp);
    }

    [Fact]
    public async Task Two_regions_feeding_one_target_keep_checkpoints_of_their_own_and_an_unnamed_one_counts_where_a_source_has_none()
    {
        var stream = LocalCloudFixture.UniqueStreamName("cp");
        string[] shards = ["shardId-000000000000"];
        const string third = "eu-west-1";
        // Before a failover A feeds the third region; after it B does, with its own (lower) sequence numbers for the same shard id.
        var fromA = await Store.AdvanceAsync(stream, new ShardCheckpoint(third, shards[0], "900", T0.AddSeconds(90), fixture.RegionA), shards, CancellationToken.None);
        var fromB = await Store.AdvanceAsync(stream, new ShardCheckpoint(third, shards[0], "100", T0.AddSeconds(95), fixture.RegionB), shards, CancellationToken.None);
        // A checkpoint written before checkpoints named their source: A's relay into B.
        await Store.AdvanceAsync(stream, new ShardCheckpoint(fixture.RegionB, shards[0], "800", T0.AddSeconds(80)), shards, CancellationToken.None);

        var stored = await Store.ReadAsync(stream, CancellationToken.None);

        Assert.Equal((CheckpointAdvance.Advanced, CheckpointAdvance.Advanced), (fromA, fromB));
        Assert.Equal("900", stored.OfSource(fixture.RegionA).Shards.Single(s => s.TargetRegion == third).SequenceNumber);
        Assert.Equal("100", stored.OfSource(fixture.RegionB).Shards.Single(s => s.TargetRegion == third).SequenceNumber);
        // The unnamed checkpoint into B counts for A, never for B itself.
        Assert.Equal("800", stored.OfSource(fixture.RegionA).Shards.Single(s => s.TargetRegion == fixture.RegionB).SequenceNumber);
        Assert.DoesNotContain(stored.OfSource(fixture.RegionB).Shards, s => s.TargetRegion == fixture.RegionB);
    }

    private ShardCheckpoint Checkpoint(string shardId, string sequenceNumber, DateTimeOffset commitTimestamp) =>
        new(fixture.RegionB, shardId, sequenceNumber, commitTimestamp);
}
