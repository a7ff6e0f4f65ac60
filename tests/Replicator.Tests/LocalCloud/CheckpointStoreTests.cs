using Amazon.DynamoDBv2.Model;
using Replicator.Relay;

namespace Replicator.Tests.LocalCloud;

[Collection(LocalCloudCollection.Name)]
public sealed class CheckpointStoreTests(LocalCloudFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] OneShard = ["shardId-000000000000"];

    private readonly CheckpointStore _store = new(fixture.DynamoDb, Table, TimeProvider.System);

    private static string Table => Replicator.LocalCloud.Demo.ReplicatorTables.Checkpoint;

    [Fact]
    public async Task A_checkpoint_never_moves_backwards()
    {
        var stream = LocalCloudFixture.UniqueStreamName("cp");
        // 99 < 100 numerically but not as text: the zero padding is what makes the condition right.
        var ahead = await _store.AdvanceAsync(stream, Checkpoint(OneShard[0], "100", T0.AddSeconds(10)), CancellationToken.None);
        var behind = await _store.AdvanceAsync(stream, Checkpoint(OneShard[0], "99", T0.AddSeconds(5)), CancellationToken.None);
        var same = await _store.AdvanceAsync(stream, Checkpoint(OneShard[0], "100", T0.AddSeconds(10)), CancellationToken.None);

        var shard = (await ReadAsync(stream, OneShard))[OneShard[0]];

        Assert.Equal(CheckpointAdvance.Advanced, ahead);
        Assert.Equal(CheckpointAdvance.AlreadyAtOrPast, behind);
        Assert.Equal(CheckpointAdvance.AlreadyAtOrPast, same);
        Assert.Equal("100", shard.SequenceNumber);
        Assert.Equal(T0.AddSeconds(10), shard.CommitTimestamp);
    }

    /// <summary>
    /// Issue 16: records consumed on purpose without copying (gated, replicas) are passed over, so a child
    /// shard need not wait for them; they never read as replicated, so the drain, the RPO and the lag
    /// still count them. Done-through is the later of the two, and neither moves backwards.
    /// </summary>
    [Fact]
    public async Task Passed_over_records_count_as_done_for_the_lineage_but_never_as_replicated()
    {
        var stream = LocalCloudFixture.UniqueStreamName("cp-pass");
        string? DoneThrough() => _store.DoneThroughAsync(stream, fixture.RegionA, fixture.RegionB, OneShard[0], CancellationToken.None).GetAwaiter().GetResult();

        Assert.Null(DoneThrough());
        await _store.PassOverAsync(stream, fixture.RegionA, fixture.RegionB, OneShard[0], "300", CancellationToken.None);
        Assert.Empty(await ReadAsync(stream, OneShard));
        Assert.Equal("300", DoneThrough());

        await _store.AdvanceAsync(stream, Checkpoint(OneShard[0], "200", T0), CancellationToken.None);
        await _store.PassOverAsync(stream, fixture.RegionA, fixture.RegionB, OneShard[0], "250", CancellationToken.None);
        Assert.Equal("200", (await ReadAsync(stream, OneShard))[OneShard[0]].SequenceNumber);
        Assert.Equal("300", DoneThrough());

        await _store.AdvanceAsync(stream, Checkpoint(OneShard[0], "1000", T0), CancellationToken.None);
        Assert.Equal("1000", DoneThrough());
    }

    /// <summary>
    /// Issue 14, item 1: a checkpoint is one small item of its own, so a batch costs one write unit at any
    /// shard count, and the stream's own item (seed 004's) is not written by batches at all. Before, every
    /// shard's checkpoint was an attribute of the stream's item, rewritten whole by every batch.
    /// </summary>
    [Fact]
    public async Task Each_shard_checkpoint_is_its_own_small_item_and_a_batch_costs_one_write_unit_whatever_the_shard_count()
    {
        var stream = LocalCloudFixture.UniqueStreamName("cp");
        var shards = Enumerable.Range(0, 64).Select(i => $"shardId-{i:D12}").ToArray();
        var store = new CheckpointStore(fixture.DynamoDb, Table, TimeProvider.System);
        foreach (var shard in shards)
        {
            await store.AdvanceAsync(stream, Checkpoint(shard, "1000", T0), CancellationToken.None);
        }

        var before = store.WriteUnitsConsumed;
        await store.AdvanceAsync(stream, Checkpoint(shards[^1], "2000", T0.AddSeconds(1)), CancellationToken.None);
        var item = (await fixture.DynamoDb.GetItemAsync(Table, Key(CheckpointKeys.Of(stream, fixture.RegionA, fixture.RegionB, shards[^1])))).Item;
        var streamItem = (await fixture.DynamoDb.GetItemAsync(Table, Key(stream))).Item;

        Assert.Equal(1, store.WriteUnitsConsumed - before);
        Assert.Equal(shards.Length + 1, store.WriteUnitsConsumed);
        Assert.Equal(stream, item[TableAttributes.Stream].S);
        Assert.Equal(shards[^1], item[TableAttributes.ShardId].S);
        Assert.True(streamItem is null || streamItem.Count == 0, "a batch's checkpoint wrote the stream's own item");
        Assert.Equal(shards.Length, (await ReadAsync(stream, shards)).Count);
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
        await PutWatermarkAsync(stream, seedWritten);

        var before = await _store.ReadWatermarkAsync(stream, CancellationToken.None);
        var raised = await _store.RaiseWatermarkAsync(stream, T0.AddSeconds(10), CancellationToken.None);
        var after = await _store.ReadWatermarkAsync(stream, CancellationToken.None);

        Assert.Equal(readAs is null ? null : DateTimeOffset.Parse(readAs, System.Globalization.CultureInfo.InvariantCulture), before.Value);
        Assert.True(raised);
        Assert.Equal(T0.AddSeconds(10), after.Value);
        Assert.Equal(CommitTimestamps.Format(T0.AddSeconds(10)), after.Text);
    }

    [Fact]
    public async Task A_watermark_is_never_lowered()
    {
        var stream = LocalCloudFixture.UniqueStreamName("cpseed");
        await PutWatermarkAsync(stream, "2026-11-25T00:01:00Z");

        var lowered = await _store.RaiseWatermarkAsync(stream, T0.AddSeconds(10), CancellationToken.None);
        var raised = await _store.RaiseWatermarkAsync(stream, T0.AddSeconds(70), CancellationToken.None);
        var notLowered = await _store.RaiseWatermarkAsync(stream, T0.AddSeconds(65), CancellationToken.None);

        Assert.Equal((false, true, false), (lowered, raised, notLowered));
        Assert.Equal(T0.AddSeconds(70), (await _store.ReadWatermarkAsync(stream, CancellationToken.None)).Value);
    }

    [Fact]
    public async Task Two_shards_advancing_in_parallel_keep_their_own_checkpoints()
    {
        var stream = LocalCloudFixture.UniqueStreamName("cp");
        var fast = Enumerable.Range(1, 40).Select(i => Checkpoint("shardId-000000000000", (1000 + i).ToString(), T0.AddSeconds(i)));
        var slow = Enumerable.Range(1, 20).Select(i => Checkpoint("shardId-000000000001", (5000 + i).ToString(), T0.AddSeconds(i)));

        // Each shard's writes are in order (one poller per shard), the two shards race each other.
        await Task.WhenAll(
            Task.Run(async () => { foreach (var c in fast) { await _store.AdvanceAsync(stream, c, CancellationToken.None); } }),
            Task.Run(async () => { foreach (var c in slow) { await _store.AdvanceAsync(stream, c, CancellationToken.None); } }));

        var stored = await ReadAsync(stream, ["shardId-000000000000", "shardId-000000000001"]);

        Assert.Equal(("1040", T0.AddSeconds(40)), (stored["shardId-000000000000"].SequenceNumber, stored["shardId-000000000000"].CommitTimestamp));
        Assert.Equal(("5020", T0.AddSeconds(20)), (stored["shardId-000000000001"].SequenceNumber, stored["shardId-000000000001"].CommitTimestamp));
    }

    [Fact]
    public async Task A_later_batch_ending_on_an_older_commit_or_on_none_keeps_the_latest_commit_replicated()
    {
        var stream = LocalCloudFixture.UniqueStreamName("cp");

        // Records of different keys need not arrive in commit order: the second batch ends on an older commit,
        // and the third has no record with a commit timestamp at all.
        await _store.AdvanceAsync(stream, Checkpoint(OneShard[0], "100", T0.AddSeconds(10)), CancellationToken.None);
        var second = await _store.AdvanceAsync(stream, Checkpoint(OneShard[0], "200", T0.AddSeconds(5)), CancellationToken.None);
        var afterSecond = (await ReadAsync(stream, OneShard))[OneShard[0]];
        var third = await _store.AdvanceAsync(stream, Checkpoint(OneShard[0], "300", null), CancellationToken.None);
        var afterThird = (await ReadAsync(stream, OneShard))[OneShard[0]];

        Assert.Equal((CheckpointAdvance.Advanced, CheckpointAdvance.Advanced), (second, third));
        Assert.Equal(("200", T0.AddSeconds(10)), (afterSecond.SequenceNumber, afterSecond.CommitTimestamp));
        Assert.Equal(("300", T0.AddSeconds(10)), (afterThird.SequenceNumber, afterThird.CommitTimestamp));
    }

    [Fact]
    public async Task Two_regions_feeding_one_target_keep_checkpoints_of_their_own()
    {
        var stream = LocalCloudFixture.UniqueStreamName("cp");
        const string third = "eu-west-1";
        // Before a failover A feeds the third region; after it B does, with its own (lower) sequence numbers for the same shard id.
        var fromA = await _store.AdvanceAsync(stream, new ShardCheckpoint(third, OneShard[0], "900", T0.AddSeconds(90), fixture.RegionA), CancellationToken.None);
        var fromB = await _store.AdvanceAsync(stream, new ShardCheckpoint(third, OneShard[0], "100", T0.AddSeconds(95), fixture.RegionB), CancellationToken.None);

        Assert.Equal((CheckpointAdvance.Advanced, CheckpointAdvance.Advanced), (fromA, fromB));
        Assert.Equal("900", (await _store.ReadAsync(stream, fixture.RegionA, third, OneShard, CancellationToken.None))[OneShard[0]].SequenceNumber);
        Assert.Equal("100", (await _store.ReadAsync(stream, fixture.RegionB, third, OneShard, CancellationToken.None))[OneShard[0]].SequenceNumber);
    }

    /// <summary>
    /// Checkpoints an earlier version kept on the stream's item are read until the shard's own item exists,
    /// so an upgrade does not make an idle shard look unreplicated (its lag would count the whole retention).
    /// </summary>
    [Fact]
    public async Task Checkpoints_kept_on_the_stream_item_by_an_earlier_version_count_until_the_shard_writes_its_own()
    {
        var stream = LocalCloudFixture.UniqueStreamName("cplegacy");
        string[] shards = ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"];
        await fixture.DynamoDb.PutItemAsync(Table, new()
        {
            [TableAttributes.StreamName] = new AttributeValue { S = stream },
            [$"checkpoint:{fixture.RegionA}:{fixture.RegionB}:{shards[0]}"] = Legacy("500", "2026-11-25T00:00:05.000Z"),
            // Before checkpoints named their source: A's relay into B (never B's own).
            [$"checkpoint:{fixture.RegionB}:{shards[1]}"] = Legacy("600", "2026-11-25T00:00:06.000Z"),
            [$"checkpoint:{fixture.RegionA}:{fixture.RegionB}:{shards[2]}"] = Legacy("700", "2026-11-25T00:00:07.000Z"),
        });
        await _store.AdvanceAsync(stream, Checkpoint(shards[2], "900", T0.AddSeconds(9)), CancellationToken.None);

        var fromA = await ReadAsync(stream, shards);
        var fromB = await _store.ReadAsync(stream, fixture.RegionB, fixture.RegionB, shards, CancellationToken.None);

        Assert.Equal(["500", "600", "900"], shards.Select(s => fromA[s].SequenceNumber));
        Assert.Equal(T0.AddSeconds(5), fromA[shards[0]].CommitTimestamp);
        Assert.Empty(fromB);
    }

    private Task<IReadOnlyDictionary<string, ShardCheckpoint>> ReadAsync(string stream, IReadOnlyCollection<string> shards) =>
        _store.ReadAsync(stream, fixture.RegionA, fixture.RegionB, shards, CancellationToken.None);

    private Task PutWatermarkAsync(string stream, string text) =>
        fixture.DynamoDb.PutItemAsync(Table, new()
        {
            [TableAttributes.StreamName] = new AttributeValue { S = stream },
            [TableAttributes.LastReplicatedCommitTimestamp] = new AttributeValue { S = text },
        });

    private static AttributeValue Legacy(string sequenceNumber, string commit) => new()
    {
        M = new()
        {
            [TableAttributes.SequenceNumber] = new AttributeValue { S = SequenceNumbers.Pad(sequenceNumber) },
            [TableAttributes.CommitTimestamp] = new AttributeValue { S = commit },
        },
    };

    private static Dictionary<string, AttributeValue> Key(string key) => new() { [TableAttributes.StreamName] = new AttributeValue { S = key } };

    private ShardCheckpoint Checkpoint(string shardId, string sequenceNumber, DateTimeOffset? commitTimestamp) =>
        new(fixture.RegionB, shardId, sequenceNumber, commitTimestamp, fixture.RegionA);
}
