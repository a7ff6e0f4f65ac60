using System.Text;
using System.Text.Json;
using Replicator.Lambda;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;
using Replicator.Telemetry;
using Replicator.Tests.Fakes;

namespace Replicator.Tests.LocalCloud;

/// <summary>The relay invoked with the sample event (events/relay-kinesis.json) against the local cloud's tables and streams.</summary>
[Collection(LocalCloudCollection.Name)]
public sealed class RelayGateTests(LocalCloudFixture fixture)
{
    private readonly StringWriter _log = new();

    [Fact]
    public async Task Seed_004_put_item_config_is_honoured_and_records_arrive_byte_for_byte()
    {
        var (stream, payload) = await SampleEventForNewStreamAsync();
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionA, CancellationToken.None);

        var response = await Relay().Invoke(payload, TestContexts.Create(_log), CancellationToken.None);

        Assert.Equal("{\"batchItemFailures\":[]}", Encoding.UTF8.GetString(response));
        var sent = SourceBatch.Read(payload).Records;
        var arrived = (await TargetRecordsAsync(stream)).ToArray();
        // Keys interleave differently (one record per key per request); within a key the order is the source's.
        Assert.Equal(PerKey(sent.Select(r => (r.PartitionKey, r.Data.ToArray()))), PerKey(arrived.Select(r => (r.PartitionKey, r.Data))));

        var shard = Assert.Single(await CheckpointsAsync(stream, payload)).Value;
        Assert.Equal(sent[^1].SequenceNumber, shard.SequenceNumber);
        Assert.Equal(sent.Max(r => CommitTimestamps.Effective(CommitTimestamps.TryRead(r.Data)!.Value, r.ArrivalTime)), shard.CommitTimestamp);
        Assert.Equal(3, EmfTotal(MetricNames.RecordsReplicated));
        Assert.Equal(sent.Sum(r => r.Data.Length), EmfTotal(MetricNames.BytesReplicated));
        Assert.Equal(0, EmfTotal(MetricNames.GatedRecords));
    }

    /// <summary>Seed 004 compared activeRegion ignoring case, so its users' items may be written in any case.</summary>
    [Fact]
    public async Task The_active_region_is_matched_ignoring_case_as_seed_004_did()
    {
        var (stream, payload) = await SampleEventForNewStreamAsync();
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionA.ToUpperInvariant(), CancellationToken.None);

        await Relay().Invoke(payload, TestContexts.Create(_log), CancellationToken.None);

        Assert.Equal(3, (await TargetRecordsAsync(stream)).Count());
    }

    [Fact]
    public async Task Inactive_region_consumes_the_batch_without_writing()
    {
        var (stream, payload) = await SampleEventForNewStreamAsync();
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionB, CancellationToken.None);

        var response = await Relay().Invoke(payload, TestContexts.Create(_log), CancellationToken.None);

        Assert.Equal("{\"batchItemFailures\":[]}", Encoding.UTF8.GetString(response));
        Assert.Empty(await TargetRecordsAsync(stream));
        Assert.Empty(await CheckpointsAsync(stream, payload));
        Assert.Contains("not active in us-east-1", _log.ToString(), StringComparison.Ordinal);
        Assert.Equal(3, EmfTotal(MetricNames.GatedRecords));
        Assert.Equal(0, EmfTotal(MetricNames.RecordsReplicated));
    }

    [Fact]
    public async Task Draining_region_keeps_replicating_so_the_failover_drain_can_finish()
    {
        var (stream, payload) = await SampleEventForNewStreamAsync();
        await PutConfigAsync(stream, fixture.RegionA, ActiveRegionGate.DrainingState, activeSince: null);

        await Relay().Invoke(payload, TestContexts.Create(_log), CancellationToken.None);

        Assert.Equal(3, (await TargetRecordsAsync(stream)).Count());
    }

    [Fact]
    public async Task Fenced_stream_is_written_by_no_region()
    {
        var (stream, payload) = await SampleEventForNewStreamAsync();
        await PutConfigAsync(stream, fixture.RegionA, ActiveRegionGate.FencedState, activeSince: null);

        await Relay().Invoke(payload, TestContexts.Create(_log), CancellationToken.None);

        Assert.Empty(await TargetRecordsAsync(stream));
        Assert.Equal(3, EmfTotal(MetricNames.GatedRecords));
    }

    [Fact]
    public async Task Records_that_arrived_before_the_region_became_active_are_replicas_and_not_copied_back()
    {
        var (stream, payload) = await SampleEventForNewStreamAsync();
        var sent = SourceBatch.Read(payload).Records;
        // Between the first and the second record's arrival: the first was replicated into this region.
        await PutConfigAsync(stream, fixture.RegionA, ActiveRegionGate.ActiveState, sent[1].ArrivalTime.AddMilliseconds(-500));

        var response = await Relay().Invoke(payload, TestContexts.Create(_log), CancellationToken.None);

        Assert.Equal("{\"batchItemFailures\":[]}", Encoding.UTF8.GetString(response));
        // The two are of different keys and share a request, whose landing order PutRecords does not promise.
        Assert.Equal(sent.Skip(1).Select(r => r.SequenceNumber).Order(), (await TargetRecordsAsync(stream)).Select(r => SourceSequenceOf(r, sent)).Order());
        Assert.Equal(sent[^1].SequenceNumber, Assert.Single(await CheckpointsAsync(stream, payload)).Value.SequenceNumber);
        Assert.Equal(1, EmfTotal(MetricNames.GatedRecords));
        Assert.Contains($"up to sequence number {sent[0].SequenceNumber}", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_config_item_fails_the_batch_and_writes_nothing()
    {
        var (stream, payload) = await SampleEventForNewStreamAsync();

        var error = await Assert.ThrowsAsync<ActiveRegionConfigMissingException>(() => Relay().Invoke(payload, TestContexts.Create(_log), CancellationToken.None));

        Assert.Contains($"'{stream}'", error.Message, StringComparison.Ordinal);
        Assert.Empty(await TargetRecordsAsync(stream));
        Assert.Equal(1, EmfTotal(MetricNames.BatchFailures));
    }

    [Fact]
    public async Task Unreadable_config_table_fails_the_batch_and_writes_nothing()
    {
        var (stream, payload) = await SampleEventForNewStreamAsync();
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionA, CancellationToken.None);
        var environment = LocalFunctionEnvironment.Relay(fixture.Cloud, fixture.RegionA, fixture.RegionB);
        environment[RelayEnvironment.DynamoDbEndpoint] = $"http://127.0.0.1:{Replicator.LocalCloud.Loopback.UnusedPort()}";

        await Assert.ThrowsAnyAsync<Exception>(() => RelayFactory.Create(environment, metricsOutput: _log).HandleAsync(payload, TestContexts.Create(_log), CancellationToken.None));

        Assert.Empty(await TargetRecordsAsync(stream));
    }

    [Fact]
    public async Task Missing_target_stream_fails_the_batch_with_an_error_naming_the_settings()
    {
        // The source stream exists (its records are the event); only the target's is missing.
        var stream = await fixture.CreateStreamAsync("nostream", fixture.RegionA);
        await ReplicatorTables.SetActiveRegionAsync(fixture.DynamoDb, stream, fixture.RegionA, CancellationToken.None);

        var payload = LocalCloudFixture.SampleRelayEvent(stream);
        var error = await Assert.ThrowsAsync<RelayTargetException>(() => Relay().Invoke(payload, TestContexts.Create(_log), CancellationToken.None));

        Assert.Contains($"'{stream}' does not exist in {fixture.RegionB}", error.Message, StringComparison.Ordinal);
        Assert.Contains(RelayEnvironment.TargetRegion, error.Message, StringComparison.Ordinal);
        Assert.Contains(RelayEnvironment.TargetStreamName, error.Message, StringComparison.Ordinal);
        Assert.Empty(await CheckpointsAsync(stream, payload));
    }

    private Task PutConfigAsync(string stream, string region, string state, DateTimeOffset? activeSince)
    {
        var item = new Dictionary<string, Amazon.DynamoDBv2.Model.AttributeValue>
        {
            [TableAttributes.StreamName] = new() { S = stream },
            [TableAttributes.ActiveRegion] = new() { S = region },
            [TableAttributes.State] = new() { S = state },
            [TableAttributes.Version] = new() { N = "7" },
        };
        if (activeSince is { } since)
        {
            item[TableAttributes.ActiveSince] = new() { S = since.ToString("O", System.Globalization.CultureInfo.InvariantCulture) };
        }

        return fixture.DynamoDb.PutItemAsync(new() { TableName = ReplicatorTables.Config, Item = item });
    }

    /// <summary>The sequence number in the source of a target record, matched by its bytes (the sample's payloads differ).</summary>
    private static string SourceSequenceOf(Replicator.Aws.Kinesis.KinesisRecord record, IReadOnlyList<SourceRecord> sent) =>
        sent.Single(s => s.Data.ToArray().AsSpan().SequenceEqual(record.Data)).SequenceNumber;

    /// <summary>The relay's checkpoints into region B for the sample event's shard.</summary>
    private Task<IReadOnlyDictionary<string, ShardCheckpoint>> CheckpointsAsync(string stream, byte[] payload) =>
        new CheckpointStore(fixture.DynamoDb, ReplicatorTables.Checkpoint, TimeProvider.System)
            .ReadAsync(stream, fixture.RegionA, fixture.RegionB, [SourceBatch.Read(payload).ShardId], CancellationToken.None);

    private LambdaHandler Relay() => RelayFactory.Create(LocalFunctionEnvironment.Relay(fixture.Cloud, fixture.RegionA, fixture.RegionB), metricsOutput: _log).HandleAsync;

    /// <summary>The sample event, pointed at a new stream that exists (empty) in both regions.</summary>
    private async Task<(string Stream, byte[] Payload)> SampleEventForNewStreamAsync()
    {
        var stream = await fixture.CreateStreamPairAsync("gate");
        return (stream, LocalCloudFixture.SampleRelayEvent(stream));
    }

    private async Task<IEnumerable<Replicator.Aws.Kinesis.KinesisRecord>> TargetRecordsAsync(string stream) =>
        (await StreamContents.ReadAsync(fixture.Cloud.CreateKinesisClient(fixture.RegionB), stream, CancellationToken.None)).SelectMany(s => s.Records);

    /// <summary>The sum of one metric over the EMF lines the relay wrote.</summary>
    private double EmfTotal(string metric) =>
        _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.TryGetProperty("_aws", out _) && line.TryGetProperty(metric, out _))
            .Sum(line => line.GetProperty(metric).GetDouble());

    private static Dictionary<string, string[]> PerKey(IEnumerable<(string Key, byte[] Data)> records) =>
        records.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Select(r => Convert.ToBase64String(r.Data)).ToArray());
}
