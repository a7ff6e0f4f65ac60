using System.Text;
using Replicator.Aws.Kinesis;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Faults;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;

namespace Replicator.Tests.LocalCloud;

/// <summary>The relay running continuously on the local cloud while a fault is switched on and off mid-run.</summary>
[Collection(LocalCloudCollection.Name)]
public sealed class RelayFaultTests(LocalCloudFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan GateCacheTtl = TimeSpan.FromSeconds(1);
    private readonly StringWriter _log = new();

    [Fact]
    public async Task Fan_out_a_down_target_holds_back_nothing_and_catches_up_when_it_returns()
    {
        var stream = await NewActiveStreamAsync("fan", shards: 2);
        // Region C is a stream of its own behind a proxy that can cut it off.
        var streamInC = await fixture.CreateStreamAsync("fan-c", fixture.RegionB, shards: 1);
        await using var regionC = new TcpProxy(fixture.Cloud.Region(fixture.RegionB).KinesisEndpoint);
        var toC = RelayEnvironmentFor(targetRegion: "eu-west-1");
        toC[RelayEnvironment.TargetKinesisEndpoint] = regionC.Endpoint.ToString();
        toC[RelayEnvironment.TargetStreamName] = streamInC;
        regionC.CutOff();

        await using var relayToB = new RunningRelay(fixture, stream, RelayEnvironmentFor(fixture.RegionB), _log);
        await using var relayToC = new RunningRelay(fixture, stream, toC, _log);
        var produced = await ProduceAsync(stream, 2_000, start: 0);

        await relayToB.WaitUntilAcknowledgedAsync(produced.Count, Patience);
        AssertReplicated(produced, await RecordsInAsync(fixture.RegionB, stream));
        Assert.Equal(0, relayToC.Acknowledged);
        await relayToC.WaitUntilFailedAsync(Patience);
        Assert.Equal(0, relayToC.Acknowledged);

        regionC.Restore();
        await relayToC.WaitUntilAcknowledgedAsync(produced.Count, Patience);
        AssertReplicated(produced, await RecordsInAsync(fixture.RegionB, streamInC));
        var shards = (await fixture.Cloud.CreateKinesisClient(fixture.RegionA).ListShardsAsync(stream, CancellationToken.None)).Select(s => s.ShardId).ToList();
        var checkpoints = new CheckpointStore(fixture.DynamoDb, ReplicatorTables.Checkpoint, TimeProvider.System);
        Assert.Equal(2, (await checkpoints.ReadAsync(stream, fixture.RegionA, fixture.RegionB, shards, CancellationToken.None)).Count);
        Assert.Equal(2, (await checkpoints.ReadAsync(stream, fixture.RegionA, "eu-west-1", shards, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Gate_flip_mid_run_stops_writes_once_the_cache_ttl_has_passed()
    {
        var stream = await NewActiveStreamAsync("flip");
        await using var relay = new RunningRelay(fixture, stream, RelayEnvironmentFor(fixture.RegionB), _log);
        var beforeFlip = await ProduceAsync(stream, 500, start: 0);
        await relay.WaitUntilAcknowledgedAsync(beforeFlip.Count, Patience);

        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionB, CancellationToken.None);
        await Task.Delay(GateCacheTtl * 2);
        var afterFlip = await ProduceAsync(stream, 500, start: 500);
        await relay.WaitUntilAcknowledgedAsync(beforeFlip.Count + afterFlip.Count, Patience);

        AssertReplicated(beforeFlip, await RecordsInAsync(fixture.RegionB, stream));
        Assert.Contains("not active in us-east-1", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreadable_config_fails_batches_and_writes_nothing_until_it_is_readable_again()
    {
        var stream = await NewActiveStreamAsync("unreadable");
        await using var tables = new TcpProxy(fixture.Cloud.Region(fixture.RegionA).DynamoDbEndpoint);
        var environment = RelayEnvironmentFor(fixture.RegionB);
        environment[RelayEnvironment.DynamoDbEndpoint] = tables.Endpoint.ToString();
        await using var relay = new RunningRelay(fixture, stream, environment, _log);
        var first = await ProduceAsync(stream, 300, start: 0);
        await relay.WaitUntilAcknowledgedAsync(first.Count, Patience);

        tables.CutOff();
        await Task.Delay(GateCacheTtl * 2);
        var second = await ProduceAsync(stream, 300, start: 300);
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(first.Count, relay.Acknowledged);
        Assert.True(relay.FailedInvocations > 0);
        AssertReplicated(first, await RecordsInAsync(fixture.RegionB, stream));

        tables.Restore();
        await relay.WaitUntilAcknowledgedAsync(first.Count + second.Count, Patience);
        AssertReplicated([.. first, .. second], await RecordsInAsync(fixture.RegionB, stream));
    }

    [Fact]
    public async Task Binary_empty_maximum_size_and_non_json_payloads_arrive_byte_identical()
    {
        var stream = await NewActiveStreamAsync("opaque");
        var binary = new byte[4096];
        new Random(3).NextBytes(binary);
        const string key = "k";
        var payloads = new[]
        {
            binary,
            Array.Empty<byte>(),
            Enumerable.Repeat((byte)'x', 1024 * 1024 - Encoding.UTF8.GetByteCount(key)).ToArray(),
            "plain text, not JSON"u8.ToArray(),
            "{\"key\":1,\"note\":\"JSON without commitTimestamp\"}"u8.ToArray(),
        };
        var source = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        foreach (var payload in payloads)
        {
            // One at a time, so the source order is exactly this array's.
            var put = await source.PutRecordsAsync(new PutRecordsRequest(stream, [new PutRecordsRequestEntry(Base64Data.FromBytes(payload), key)]), CancellationToken.None);
            Assert.Equal(0, put.FailedRecordCount);
        }

        await using (var relay = new RunningRelay(fixture, stream, RelayEnvironmentFor(fixture.RegionB), _log))
        {
            await relay.WaitUntilAcknowledgedAsync(payloads.Length, Patience);
        }

        var arrived = await RecordsInAsync(fixture.RegionB, stream);
        Assert.Equal(payloads.Select(Convert.ToBase64String), arrived.Select(r => Convert.ToBase64String(r.Data)));
        Assert.All(arrived, r => Assert.Equal(key, r.PartitionKey));
        var sourceRecords = (await StreamContents.ReadAsync(source, stream, CancellationToken.None)).Single().Records;
        // The first record without a commitTimestamp is named by its sequence number.
        Assert.Contains($"first: sequence number {sourceRecords[0].SequenceNumber}", _log.ToString(), StringComparison.Ordinal);
    }

    private async Task<string> NewActiveStreamAsync(string purpose, int shards = 1)
    {
        var stream = await fixture.CreateStreamPairAsync(purpose, shards);
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionA, CancellationToken.None);
        return stream;
    }

    private Dictionary<string, string> RelayEnvironmentFor(string targetRegion)
    {
        var environment = LocalFunctionEnvironment.Relay(fixture.Cloud, fixture.RegionA, fixture.RegionB);
        environment[RelayEnvironment.TargetRegion] = targetRegion;
        environment[RelayEnvironment.GateCacheTtlSeconds] = GateCacheTtl.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return environment;
    }

    private async Task<IReadOnlyList<CdcRecord>> ProduceAsync(string stream, int count, int start)
    {
        var records = CdcProducer.Generate(start + count, keys: 50, DateTimeOffset.UtcNow).Skip(start).ToArray();
        await new CdcProducer(fixture.Cloud.CreateKinesisClient(fixture.RegionA), stream).ProduceAsync(records, 500, null, CancellationToken.None);
        return records;
    }

    private async Task<IReadOnlyList<KinesisRecord>> RecordsInAsync(string region, string stream) =>
        (await StreamContents.ReadAsync(fixture.Cloud.CreateKinesisClient(region), stream, CancellationToken.None)).SelectMany(s => s.Records).ToArray();

    private static void AssertReplicated(IReadOnlyList<CdcRecord> expected, IReadOnlyList<KinesisRecord> target)
    {
        var check = ReplicationCheck.Compare(expected, target.Select(r => CdcRecord.Parse(r.Data)));
        Assert.Equal(0, check.Missing);
        Assert.Equal(0, check.OrderViolations);
        Assert.Equal(0, check.Unexpected);
    }
}
