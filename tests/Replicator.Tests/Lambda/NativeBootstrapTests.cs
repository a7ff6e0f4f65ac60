using System.Text;
using System.Text.Json;
using Replicator.Lambda;
using Replicator.Relay;
using Replicator.Lambda.Runtime;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.RuntimeApi;
using Replicator.LocalCloud.Verification;
using Replicator.Tests.LocalCloud;

namespace Replicator.Tests.Lambda;

/// <summary>The shipped artifact itself: the Native AOT bootstrap, run as a process against the local Runtime API.</summary>
[Collection(LocalCloudCollection.Name)]
[Trait("Category", "NativeAot")]
public sealed class NativeBootstrapTests(LocalCloudFixture cloud, PublishedBootstrapFixture published) : IClassFixture<PublishedBootstrapFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void Publishing_reports_no_trim_or_aot_warnings()
    {
        Assert.Empty(published.Warnings);
        Assert.True(File.Exists(published.Bootstrap));
    }

    /// <summary>provided.al2023 runs the bootstrap on Amazon Linux 2023's glibc 2.34; a build host's newer glibc can bind symbols to later versions, and then the function fails to start.</summary>
    [Fact]
    public async Task Needs_no_glibc_newer_than_amazon_linux_2023()
    {
        var needs = await GlibcNeeds.ReadAsync(published.Bootstrap);

        Assert.Contains(needs, need => need.Symbol == "__libc_start_main");
        var newer = GlibcNeeds.NewerThan(needs, GlibcNeeds.AmazonLinux2023);
        Assert.True(newer.Count == 0, $"the bootstrap needs glibc newer than {GlibcNeeds.AmazonLinux2023} (Amazon Linux 2023): {string.Join(", ", newer)}");
    }

    [Fact]
    public async Task Relays_a_real_Kinesis_event_from_the_sample_into_region_B()
    {
        var stream = await cloud.CreateStreamPairAsync("aot");
        await ReplicatorTables.SetActiveRegionAsync(cloud.DynamoDb, stream, cloud.RegionA, CancellationToken.None);
        var payload = LocalCloudFixture.SampleRelayEvent(stream);

        var (outcome, output) = await InvokeOnceAsync("relay", LocalFunctionEnvironment.Relay(cloud.Cloud, cloud.RegionA, cloud.RegionB), payload);

        Assert.Equal("{\"batchItemFailures\":[]}", Encoding.UTF8.GetString(outcome.Response!));
        var arrived = await RecordsInRegionBAsync(stream);
        var sent = JsonSerializer.Deserialize(payload, LambdaEventsJsonContext.Default.KinesisEvent)!.Records!;
        Assert.Equal(sent.Count, arrived.Length);
        Assert.Equal(sent.Select(r => Convert.ToBase64String(r.Kinesis!.Data!.Value.ToArray())).Order(), arrived.Select(r => Convert.ToBase64String(r.Data)).Order());
        var messages = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.TryGetProperty("message", out _)).Select(line => line.GetProperty("message").GetString());
        Assert.Contains(messages, message => message!.Contains("\"replicated\":3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Relays_the_non_json_sample_byte_for_byte_and_names_the_records_without_a_commit_timestamp()
    {
        var stream = await cloud.CreateStreamPairAsync("aotraw");
        await ReplicatorTables.SetActiveRegionAsync(cloud.DynamoDb, stream, cloud.RegionA, CancellationToken.None);
        var payload = LocalCloudFixture.SampleRelayEvent(stream, "relay-kinesis-non-json.json");

        var (outcome, output) = await InvokeOnceAsync("relay", LocalFunctionEnvironment.Relay(cloud.Cloud, cloud.RegionA, cloud.RegionB), payload);

        Assert.Equal("{\"batchItemFailures\":[]}", Encoding.UTF8.GetString(outcome.Response!));
        var sent = JsonSerializer.Deserialize(payload, LambdaEventsJsonContext.Default.KinesisEvent)!.Records!;
        var arrived = await RecordsInRegionBAsync(stream);
        Assert.Equal(sent.Select(r => Convert.ToBase64String(r.Kinesis!.Data!.Value.ToArray())), arrived.Select(r => Convert.ToBase64String(r.Data)));
        Assert.Contains($"3 replicated records have no JSON commitTimestamp (first: sequence number {sent[0].Kinesis!.SequenceNumber})", output, StringComparison.Ordinal);
    }

    /// <summary>The published executable aggregates too: the sample's three records of one key arrive as one KPL aggregate that splits back into them, in order.</summary>
    [Fact]
    public async Task Aggregated_ordering_sends_a_keys_run_as_one_KPL_aggregate()
    {
        var stream = await cloud.CreateStreamPairAsync("aotagg");
        await ReplicatorTables.SetActiveRegionAsync(cloud.DynamoDb, stream, cloud.RegionA, CancellationToken.None);
        var payload = LocalCloudFixture.SampleRelayEvent(stream, "relay-kinesis-non-json.json");
        var environment = LocalFunctionEnvironment.Relay(cloud.Cloud, cloud.RegionA, cloud.RegionB);
        environment[RelayEnvironment.Ordering] = "aggregated";

        var (outcome, _) = await InvokeOnceAsync("relay", environment, payload);

        Assert.Equal("{\"batchItemFailures\":[]}", Encoding.UTF8.GetString(outcome.Response!));
        var sent = JsonSerializer.Deserialize(payload, LambdaEventsJsonContext.Default.KinesisEvent)!.Records!;
        var arrived = Assert.Single(await RecordsInRegionBAsync(stream));
        var split = KplAggregate.Split(arrived.Data);
        Assert.NotNull(split);
        Assert.Equal(sent.Select(r => (r.Kinesis!.PartitionKey!, Convert.ToBase64String(r.Kinesis!.Data!.Value.ToArray()))), split.Select(u => (u.PartitionKey, Convert.ToBase64String(u.Data))));
    }

    [Fact]
    public async Task Lag_monitor_answers_the_scheduled_event_with_the_lag_it_measured()
    {
        var stream = await cloud.CreateStreamAsync("aotlag", cloud.RegionA);
        await ReplicatorTables.SetActiveRegionAsync(cloud.DynamoDb, stream, cloud.RegionA, CancellationToken.None);
        await new CdcProducer(cloud.Cloud.CreateKinesisClient(cloud.RegionA), stream)
            .ProduceAsync(CdcProducer.Generate(7, keys: 3, DateTimeOffset.UtcNow), 7, null, CancellationToken.None);
        var scheduled = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "events", "lag-monitor-schedule.json"));

        var (outcome, _) = await InvokeOnceAsync("lag-monitor", LocalFunctionEnvironment.LagMonitor(cloud.Cloud, cloud.RegionA, [stream], [cloud.RegionB]), scheduled);

        using var report = JsonDocument.Parse(outcome.Response!);
        var measured = Assert.Single(report.RootElement.GetProperty("measured").EnumerateArray());
        Assert.Equal(stream, measured.GetProperty("streamName").GetString());
        Assert.Equal(7, measured.GetProperty("recordsBehind").GetInt64());
    }

    [Fact]
    public async Task Failover_drain_measures_what_is_left_to_replicate()
    {
        var stream = await cloud.CreateStreamAsync("aotdrain", cloud.RegionA);
        await new CdcProducer(cloud.Cloud.CreateKinesisClient(cloud.RegionA), stream)
            .ProduceAsync(CdcProducer.Generate(5, keys: 2, DateTimeOffset.UtcNow), 5, null, CancellationToken.None);
        var request = new Replicator.Failover.DrainRequest(stream, cloud.RegionA, cloud.RegionB, DateTimeOffset.UtcNow, 60, 2, null);

        var (outcome, _) = await InvokeOnceAsync(
            "failover-drain",
            LocalFunctionEnvironment.Failover(cloud.Cloud, cloud.RegionB),
            JsonSerializer.SerializeToUtf8Bytes(request, Replicator.Failover.FailoverJsonContext.Default.DrainRequest));

        var status = JsonSerializer.Deserialize(outcome.Response!, Replicator.Failover.FailoverJsonContext.Default.DrainStatus)!;
        Assert.Equal((false, true, 5L), (status.Drained, status.SourceReachable, status.Measurement!.RecordsBehind));
    }

    [Fact]
    public async Task Catalog_sync_answers_the_sample_event_with_the_totals_of_a_complete_sync()
    {
        var source = cloud.Cloud.CreateGlueClient(cloud.RegionA);
        var database = $"aot_{Guid.NewGuid():N}"[..16];
        await source.CreateDatabaseAsync(new System.Text.Json.Nodes.JsonObject { ["Name"] = database }, default);
        await source.CreateTableAsync(database, new System.Text.Json.Nodes.JsonObject { ["Name"] = "events" }, default);
        var environment = LocalFunctionEnvironment.CatalogSync(cloud.Cloud, cloud.RegionA, cloud.RegionB);
        environment[Replicator.Catalog.CatalogSyncEnvironment.Databases] = database;
        var sample = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "events", "catalog-sync.json"));

        var (outcome, _) = await InvokeOnceAsync("catalog-sync", environment, sample);

        var response = JsonSerializer.Deserialize(outcome.Response!, Replicator.Catalog.CatalogJsonContext.Default.CatalogSyncResponse)!;
        Assert.True(response.Done);
        Assert.Equal((1, 1), (response.Totals.Databases.Created, response.Totals.Tables.Created));
        Assert.NotNull(await cloud.Cloud.CreateGlueClient(cloud.RegionB).GetTableAsync(database, "events", default));
    }

    [Fact]
    public async Task Archive_transform_wraps_the_sample_firehose_event()
    {
        var sample = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "events", "firehose-transform.json"));

        var environment = LocalFunctionEnvironment.ArchiveTransform(cloud.Cloud, cloud.RegionA);
        environment[Replicator.Archive.ArchiveEnvironment.TenantField] = "tenantId";

        // The sample's stream does not exist here: ListShards fails, and the records are archived without parent ids.
        var (outcome, _) = await InvokeOnceAsync("archive-transform", environment, sample);

        var response = JsonSerializer.Deserialize(outcome.Response!, Replicator.Archive.ArchiveJsonContext.Default.FirehoseTransformationResponse)!;
        Assert.Equal(["Ok", "Ok", "Ok"], response.Records.Select(r => r.Result));
        Assert.Equal("acme", response.Records[0].Metadata!.PartitionKeys["tenant"]);
        Assert.Equal("4211", Replicator.Archive.ArchiveEnvelope.Parse(response.Records[0].Data.ToArray()).PartitionKey);
    }

    [Fact]
    public async Task Replay_plans_the_sample_replay_then_replays_its_lane_from_the_archive()
    {
        var start = new DateTimeOffset(2026, 11, 20, 2, 0, 0, TimeSpan.Zero);
        var records = Enumerable.Range(0, 40).Select(i => new CdcRecord(7_000_000_000L + (i % 4), i / 4, start.AddMinutes(i))).ToList();
        var archive = await Replicator.LocalCloud.Replay.ArchivedStream.CreateAsync(cloud.Cloud, cloud.RegionA, records, shards: 1, CancellationToken.None);
        var target = await cloud.CreateStreamAsync("aot-replay", cloud.RegionB);
        await ReplicatorTables.CreateAsync(cloud.DynamoDb, CancellationToken.None);
        var sample = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "events", "replay.json")), Replicator.Replay.ReplayJsonContext.Default.ReplayRequest)!;
        var request = sample with { Stream = archive.Stream, TargetStream = target, TargetRegion = cloud.RegionB, Lanes = 1, RecordsPerSecond = null, BytesPerSecond = null };
        var environment = LocalFunctionEnvironment.Replay(cloud.Cloud, cloud.RegionA, archive.Bucket);

        var (planned, _) = await InvokeOnceAsync("replay-plan", environment, JsonSerializer.SerializeToUtf8Bytes(
            new Replicator.Replay.PlanRequest(request, "aot"), Replicator.Replay.ReplayJsonContext.Default.PlanRequest));
        var plan = JsonSerializer.Deserialize(planned.Response!, Replicator.Replay.ReplayJsonContext.Default.ReplayPlan)!;
        var (laned, _) = await InvokeOnceAsync("replay-lane", environment, JsonSerializer.SerializeToUtf8Bytes(
            new Replicator.Replay.LaneRequest(plan, 0), Replicator.Replay.ReplayJsonContext.Default.LaneRequest));

        Assert.Equal((3, 1, "0"), (plan.Hours, plan.Lanes, string.Join(",", plan.LaneNumbers)));
        var lane = JsonSerializer.Deserialize(laned.Response!, Replicator.Replay.ReplayJsonContext.Default.LaneResult)!;
        Assert.Equal((true, 40L), (lane.Done, lane.Sent));
        var arrived = (await RecordsInRegionBAsync(target)).Select(r => CdcRecord.Parse(r.Data)).ToList();
        Assert.Equal(records.OrderBy(r => r.Key).ThenBy(r => r.N), arrived.OrderBy(r => r.Key).ThenBy(r => r.N));
    }

    /// <summary>Starts the published bootstrap as <paramref name="handler"/>, sends it one event, and stops it: its answer and everything it logged.</summary>
    private async Task<(InvocationOutcome Outcome, string Output)> InvokeOnceAsync(string handler, Dictionary<string, string> environment, byte[] payload)
    {
        await using var runtimeApi = LocalRuntimeApi.Start();
        environment[LambdaRuntime.HandlerVariable] = handler;
        environment[LambdaRuntime.RuntimeApiVariable] = runtimeApi.Address;
        using var bootstrap = BootstrapBuild.Start(published.Bootstrap, environment);
        var output = bootstrap.StandardOutput.ReadToEndAsync();
        InvocationOutcome outcome;
        try
        {
            outcome = await runtimeApi.InvokeAsync(payload, Timeout).WaitAsync(Timeout);
        }
        finally
        {
            bootstrap.Kill();
            await bootstrap.WaitForExitAsync();
        }

        Assert.False(outcome.IsError, outcome.ErrorBody);
        return (outcome, await output);
    }

    private async Task<Aws.Kinesis.KinesisRecord[]> RecordsInRegionBAsync(string stream) =>
        (await StreamContents.ReadAsync(cloud.Cloud.CreateKinesisClient(cloud.RegionB), stream, CancellationToken.None)).SelectMany(s => s.Records).ToArray();

    [Fact]
    public async Task Unknown_handler_is_reported_as_an_init_error_and_the_process_exits()
    {
        await using var runtimeApi = LocalRuntimeApi.Start();
        using var bootstrap = BootstrapBuild.Start(published.Bootstrap, new Dictionary<string, string>
        {
            [LambdaRuntime.HandlerVariable] = "relya",
            [LambdaRuntime.RuntimeApiVariable] = runtimeApi.Address,
        });

        var initError = await runtimeApi.InitError.WaitAsync(Timeout);
        await bootstrap.WaitForExitAsync().WaitAsync(Timeout);

        Assert.Equal(nameof(UnknownHandlerException), initError.ErrorType);
        Assert.Contains("relay", initError.ErrorBody, StringComparison.Ordinal);
        Assert.NotEqual(0, bootstrap.ExitCode);
    }
}
