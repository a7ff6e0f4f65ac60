using Amazon.DynamoDBv2.Model;
using Replicator.Aws;
using Replicator.Aws.Kinesis;
using Replicator.Cli.Consumers;
using Replicator.Consumers;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;
using Spectre.Console;

namespace Replicator.Tests.LocalCloud;

/// <summary>
/// Issue 17: <c>replicator consumers translate</c> on the local cloud, from a 2-shard stream in A into a
/// 3-shard one in B (so every target shard interleaves both source shards), after the relay copied it.
/// </summary>
[Collection(LocalCloudCollection.Name)]
public sealed class ConsumersCommandTests(LocalCloudFixture fixture)
{
    private const string Account = "111122223333";
    private readonly StringWriter _log = new();

    [Fact]
    public async Task A_kcl_lease_table_is_written_in_the_new_region_so_that_nothing_unprocessed_is_skipped()
    {
        var (stream, shards) = await ReplicatedAsync("kcl");
        var oldTable = $"{stream}-app";
        await LeasesAsync(oldTable, shards.Select((s, i) => (s.ShardId, s.Records[Processed(s, i)].SequenceNumber, (string?)null)));

        var (exitCode, text) = await TranslateAsync(new TranslateOptions(stream, fixture.RegionA, fixture.RegionB, oldTable, $"{oldTable}-b", [], false, ReplicatorTables.Positions, KinesisEndpoints(), DynamoDbEndpoints()));

        Assert.Equal(0, exitCode);
        Assert.Contains("AT_TIMESTAMP", text, StringComparison.Ordinal);
        var leases = (await fixture.DynamoDb.ScanAsync(new ScanRequest { TableName = $"{oldTable}-b" })).Items;
        Assert.Equal(3, leases.Count);
        Assert.All(leases, l => Assert.Equal("0", l[KclLeases.LeaseCounter].N));
        var read = await ReadFromAsync(stream, leases.ToDictionary(l => l[KclLeases.LeaseKey].S, l => l[KclLeases.Checkpoint].S));
        var unprocessed = shards.SelectMany((s, i) => s.Records.Skip(Processed(s, i) + 1)).Select(r => CdcRecord.Parse(r.Data)).ToList();
        Assert.DoesNotContain(unprocessed, r => !read.Contains(r));
        // The relay's batches are 100 records, so a position's samples are that coarse: still, the start is past the first batches.
        Assert.True(read.Count < shards.Sum(s => s.Records.Count) - 100, $"read {read.Count} of {shards.Sum(s => s.Records.Count)}");
    }

    /// <summary>
    /// The relay's position samples describe where every batch landed, exactly: each sample's first and last sequence
    /// numbers in a target shard are copies of that batch's records, every copy of the batch in that shard lies between
    /// them, and the counts add up to the shard's copies.
    /// </summary>
    [Fact]
    public async Task Each_position_sample_brackets_exactly_its_batchs_copies_in_each_target_shard()
    {
        var (stream, shards) = await ReplicatedAsync("samples");
        var samples = new PositionSamples(fixture.DynamoDb, ReplicatorTables.Positions, RelaySettings.DefaultPositionSampleRetention);
        var source = shards.ToDictionary(s => s.ShardId, s => s.Records.Select(r => (Record: CdcRecord.Parse(r.Data), r.SequenceNumber)).ToList());
        var origin = source.SelectMany(s => s.Value.Select(r => (r.Record, Shard: s.Key, r.SequenceNumber))).ToDictionary(r => r.Record, r => (r.Shard, r.SequenceNumber));
        var target = (await StreamContents.ReadAsync(fixture.Cloud.CreateKinesisClient(fixture.RegionB), stream, CancellationToken.None))
            .ToDictionary(s => s.ShardId, s => s.Records.Select(r => (Origin: origin[CdcRecord.Parse(r.Data)], r.SequenceNumber)).ToList());

        var counted = target.Keys.ToDictionary(t => t, _ => 0);
        foreach (var shard in shards)
        {
            var read = await samples.ReadAroundAsync(stream, fixture.RegionA, fixture.RegionB, shard.ShardId, after: null, [.. target.Keys], lookBack: 1, CancellationToken.None);
            Assert.NotEmpty(read);
            for (var i = 0; i < read.Count; i++)
            {
                var (from, to) = (read[i].FirstSourceSequenceNumber, i + 1 < read.Count ? read[i + 1].FirstSourceSequenceNumber : null);
                bool InBatch((string Shard, string SequenceNumber) o) =>
                    o.Shard == shard.ShardId && SequenceNumbers.Compare(o.SequenceNumber, from) >= 0 && (to is null || SequenceNumbers.Compare(o.SequenceNumber, to) < 0);
                foreach (var (targetShard, landing) in read[i].Targets)
                {
                    var copies = target[targetShard].Where(c => InBatch(c.Origin)).ToList();
                    Assert.Equal(landing.Count, copies.Count);
                    Assert.Equal((landing.FirstSequenceNumber, landing.LastSequenceNumber), (copies[0].SequenceNumber, copies[^1].SequenceNumber));
                    counted[targetShard] += landing.Count;
                }
            }
        }

        Assert.Equal(target.ToDictionary(t => t.Key, t => t.Value.Count), counted);
    }

    /// <summary>The consumer's last processed record in a source shard: half and three quarters of the way, past the relay's first batch.</summary>
    private static int Processed(ShardContents shard, int index) => shard.Records.Count * (2 + index) / 4;

    [Fact]
    public async Task A_multi_stream_lease_table_is_read_for_its_stream_only_and_a_dry_run_writes_nothing_then_a_run_keys_leases_by_the_new_streams_identity()
    {
        var (stream, shards) = await ReplicatedAsync("multi");
        var oldTable = $"{stream}-multi";
        var identity = $"{Account}:{stream}:1700000000";
        await LeasesAsync(oldTable, shards.Select(s => ($"{identity}:{s.ShardId}", s.Records[^1].SequenceNumber, (string?)identity)).Append(($"{Account}:other:1700000000:shardId-000000000000", "TRIM_HORIZON", $"{Account}:other:1700000000")));
        var options = new TranslateOptions(stream, fixture.RegionA, fixture.RegionB, oldTable, $"{oldTable}-b", [], true, ReplicatorTables.Positions, KinesisEndpoints(), DynamoDbEndpoints());

        var (dryExit, dryText) = await TranslateAsync(options);
        var (exitCode, _) = await TranslateAsync(options with { DryRun = false });

        Assert.Equal(0, dryExit);
        Assert.Contains("Nothing written", dryText, StringComparison.Ordinal);
        Assert.Equal(3, dryText.Split('\n').Count(l => l.Contains("shardId-", StringComparison.Ordinal) && l.Contains("after", StringComparison.Ordinal)));
        Assert.Equal(0, exitCode);
        var summary = await fixture.Cloud.CreateKinesisClient(fixture.RegionB).DescribeStreamSummaryAsync(stream, CancellationToken.None);
        var newIdentity = $"{summary.StreamARN.Split(':')[4]}:{stream}:{(long)summary.StreamCreationTimestamp!.Value}";
        var leases = (await fixture.DynamoDb.ScanAsync(new ScanRequest { TableName = $"{oldTable}-b" })).Items;
        Assert.Equal(3, leases.Count);
        Assert.All(leases, l => Assert.Equal($"{newIdentity}:{l[KclLeases.MultiStreamShardId].S}", l[KclLeases.LeaseKey].S));
        Assert.All(leases, l => Assert.Equal(newIdentity, l[KclLeases.MultiStreamName].S));
    }

    [Fact]
    public async Task Positions_given_by_hand_print_the_lambda_mappings_timestamp_and_a_bad_one_is_named()
    {
        var (stream, shards) = await ReplicatedAsync("mapping");
        var positions = shards.Select(s => SourcePosition.Through(s.ShardId, s.Records[^1].SequenceNumber)).ToList();

        var (exitCode, text) = await TranslateAsync(new TranslateOptions(stream, fixture.RegionA, fixture.RegionB, null, null, positions, false, ReplicatorTables.Positions, KinesisEndpoints(), DynamoDbEndpoints()));
        var (bothExit, _) = await TranslateAsync(new TranslateOptions(stream, fixture.RegionA, fixture.RegionB, "app", null, positions, false, ReplicatorTables.Positions, KinesisEndpoints(), DynamoDbEndpoints()));

        Assert.Equal(0, exitCode);
        Assert.Contains("StartingPositionTimestamp", text, StringComparison.Ordinal);
        Assert.Contains("Nothing written", text, StringComparison.Ordinal);
        Assert.Equal(2, bothExit);
        var error = Assert.Throws<Replicator.Lambda.SettingsException>(() => ConsumersCommand.ParsePosition("shardId-000000000000=abc"));
        Assert.Contains("shardId-000000000000=abc", error.Message, StringComparison.Ordinal);
    }

    /// <summary>600 records in a 2-shard stream in A, copied by the relay into the 3-shard stream of that name in B.</summary>
    private async Task<(string Stream, IReadOnlyList<ShardContents> Shards)> ReplicatedAsync(string purpose)
    {
        var stream = await fixture.CreateStreamAsync($"consumers-{purpose}", fixture.RegionA, shards: 2);
        var target = fixture.Cloud.CreateKinesisClient(fixture.RegionB);
        await target.CreateStreamAsync(stream, 3, CancellationToken.None);
        await target.WaitUntilActiveAsync(stream, CancellationToken.None);
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionA, CancellationToken.None);
        var source = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        await new CdcProducer(source, stream).ProduceAsync(CdcProducer.Generate(600, keys: 60, DateTimeOffset.UtcNow), 100, null, CancellationToken.None);
        await using (var relay = new RunningRelay(fixture, stream, LocalFunctionEnvironment.Relay(fixture.Cloud, fixture.RegionA, fixture.RegionB), _log))
        {
            await relay.WaitUntilAcknowledgedAsync(600, TimeSpan.FromSeconds(60));
        }

        return (stream, await StreamContents.ReadAsync(source, stream, CancellationToken.None));
    }

    private async Task LeasesAsync(string table, IEnumerable<(string Key, string Checkpoint, string? StreamIdentifier)> leases)
    {
        await new KclLeases(fixture.DynamoDb).CreateIfAbsentAsync(table, CancellationToken.None);
        foreach (var (key, checkpoint, identifier) in leases)
        {
            var item = new Dictionary<string, AttributeValue>
            {
                [KclLeases.LeaseKey] = new() { S = key },
                [KclLeases.Checkpoint] = new() { S = checkpoint },
                [KclLeases.CheckpointSubSequenceNumber] = new() { N = "0" },
                [KclLeases.LeaseCounter] = new() { N = "7" },
            };
            if (identifier is not null)
            {
                item[KclLeases.MultiStreamName] = new() { S = identifier };
                item[KclLeases.MultiStreamShardId] = new() { S = key[(identifier.Length + 1)..] };
            }

            await fixture.DynamoDb.PutItemAsync(new PutItemRequest { TableName = table, Item = item });
        }
    }

    /// <summary>What a KCL worker reads in B from each lease: after the checkpoint, to the shard's end.</summary>
    private async Task<HashSet<CdcRecord>> ReadFromAsync(string stream, Dictionary<string, string> checkpoints)
    {
        var target = fixture.Cloud.CreateKinesisClient(fixture.RegionB);
        var read = new HashSet<CdcRecord>();
        foreach (var shard in await StreamContents.ReadAsync(target, stream, CancellationToken.None))
        {
            var checkpoint = checkpoints[shard.ShardId];
            read.UnionWith(shard.Records
                .Where(r => checkpoint == KclLeases.TrimHorizon || (checkpoint != KclLeases.ShardEnd && SequenceNumbers.Compare(r.SequenceNumber, checkpoint) > 0))
                .Select(r => CdcRecord.Parse(r.Data)));
        }

        return read;
    }

    private RegionalEndpoints KinesisEndpoints() => new(fixture.Cloud.Regions.ToDictionary(r => r, r => fixture.Cloud.Region(r).KinesisEndpoint), null);

    private RegionalEndpoints DynamoDbEndpoints() => new(fixture.Cloud.Regions.ToDictionary(r => r, r => fixture.Cloud.Region(r).DynamoDbEndpoint), null);

    private async Task<(int ExitCode, string Text)> TranslateAsync(TranslateOptions options)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 400;
        var exitCode = await ConsumersCommand.RunAsync(options, fixture.Cloud.Credentials, console, CancellationToken.None);
        return (exitCode, output.ToString());
    }
}
