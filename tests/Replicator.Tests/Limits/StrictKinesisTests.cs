using Microsoft.Extensions.Time.Testing;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.Kinesis;
using Replicator.LocalCloud.Limits;
using Replicator.Tests.LocalCloud;

namespace Replicator.Tests.Limits;

/// <summary>
/// The local Kinesis as strict as Kinesis, per shard (Kinesis developer guide, "Quotas and limits"):
/// checked on a frozen clock against kinesalite, one shard at a time.
/// </summary>
[Collection(LocalCloudCollection.Name)]
public sealed class StrictKinesisTests(LocalCloudFixture fixture) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private StrictKinesis _kinesis = null!;
    private KinesisClient _client = null!;

    public Task InitializeAsync() => Start(KinesisLimits.Strict with { ReorderShare = 0 });

    public async Task DisposeAsync() => await _kinesis.DisposeAsync();

    [Fact]
    public async Task A_shard_takes_1000_records_a_second_and_fails_the_rest_record_by_record()
    {
        var stream = await fixture.CreateStreamAsync("strictrec", fixture.RegionA);

        var answers = new List<PutRecordsResponse>();
        for (var request = 0; request < 3; request++)
        {
            answers.Add(await _client.PutRecordsAsync(Request(stream, 500, dataBytes: 10, keyPrefix: $"r{request}-"), CancellationToken.None));
        }

        _clock.Advance(TimeSpan.FromSeconds(0.25));
        var aQuarterSecondLater = await _client.PutRecordsAsync(Request(stream, 500, dataBytes: 10, keyPrefix: "late-"), CancellationToken.None);

        Assert.Equal([0, 0, 500], answers.Select(a => a.FailedRecordCount));
        Assert.All(answers[2].Records, r => Assert.Equal("ProvisionedThroughputExceededException", r.ErrorCode));
        Assert.Equal(250, aQuarterSecondLater.FailedRecordCount);
        Assert.Equal(1250, (await ReadAllAsync(stream)).Count);
        Assert.Equal(750, _kinesis.ThrottledRecords);
    }

    [Fact]
    public async Task A_shard_takes_1_MiB_a_second_counting_partition_keys_and_data()
    {
        var stream = await fixture.CreateStreamAsync("strictbytes", fixture.RegionA);

        // 100 KiB of data and a 24-character key each: ten fit in 1 MiB, the eleventh does not.
        var answer = await _client.PutRecordsAsync(Request(stream, 11, dataBytes: (100 * 1024) - 24, keyPrefix: "key-padded-to-24-chars-"), CancellationToken.None);

        Assert.Equal(1, answer.FailedRecordCount);
        Assert.Equal("ProvisionedThroughputExceededException", answer.Records[10].ErrorCode);
    }

    [Fact]
    public async Task A_shard_answers_five_GetRecords_a_second_shared_by_every_reader()
    {
        var stream = await fixture.CreateStreamAsync("strictread", fixture.RegionA);
        var iterator = (await _client.GetShardIteratorAsync(new GetShardIteratorRequest(stream, "shardId-000000000000", ShardIteratorTypes.TrimHorizon), CancellationToken.None)).ShardIterator;
        var other = (await _client.GetShardIteratorAsync(new GetShardIteratorRequest(stream, "shardId-000000000000", ShardIteratorTypes.TrimHorizon), CancellationToken.None)).ShardIterator;

        for (var call = 0; call < 5; call++)
        {
            iterator = (await _client.GetRecordsAsync(new GetRecordsRequest(iterator!), CancellationToken.None)).NextShardIterator;
        }

        await Assert.ThrowsAsync<ProvisionedThroughputExceededException>(() => _client.GetRecordsAsync(new GetRecordsRequest(other!), CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _client.GetRecordsAsync(new GetRecordsRequest(other!), CancellationToken.None);
        Assert.Equal(1, _kinesis.ThrottledReads);
    }

    /// <summary>PutRecords does not promise in-request order: a reordered request lands its records of a shard in reverse.</summary>
    [Fact]
    public async Task A_reordered_request_lands_a_shards_records_out_of_request_order()
    {
        await _kinesis.DisposeAsync();
        await Start(KinesisLimits.Strict with { ReorderShare = 1 });
        var stream = await fixture.CreateStreamAsync("strictorder", fixture.RegionA);

        var answer = await _client.PutRecordsAsync(Request(stream, 10, dataBytes: 8, keyPrefix: "k"), CancellationToken.None);
        var landed = await ReadAllAsync(stream);

        var sequenceNumbers = answer.Records.Select(r => System.Numerics.BigInteger.Parse(r.SequenceNumber!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(sequenceNumbers.OrderDescending(), sequenceNumbers);
        Assert.Equal(Enumerable.Range(0, 10).Reverse().Select(i => $"k{i}"), landed.Select(r => r.PartitionKey));
        Assert.Equal(1, _kinesis.ReorderedRequests);
    }

    private Task Start(KinesisLimits limits)
    {
        var region = fixture.RegionA;
        _kinesis = new StrictKinesis(fixture.Cloud.Kinesis(region).Emulator, region, fixture.Cloud.Credentials, limits, _clock);
        _client = new KinesisClient(new AwsServiceOptions(region, fixture.Cloud.Credentials, AwsEnvironment.HttpClient) { EndpointOverride = _kinesis.Endpoint, Retry = RetrySettings.None });
        return Task.CompletedTask;
    }

    private async Task<List<KinesisRecord>> ReadAllAsync(string stream)
    {
        // Straight from kinesalite: reading through the strict endpoint would spend the frozen clock's allowance.
        var emulator = fixture.Cloud.Kinesis(fixture.RegionA).Emulator;
        var direct = new KinesisClient(new AwsServiceOptions(fixture.RegionA, fixture.Cloud.Credentials, AwsEnvironment.HttpClient) { EndpointOverride = emulator });
        var contents = await Replicator.LocalCloud.Verification.StreamContents.ReadAsync(direct, stream, CancellationToken.None);
        return contents.SelectMany(s => s.Records).ToList();
    }

    private static PutRecordsRequest Request(string stream, int count, int dataBytes, string keyPrefix) =>
        new(stream, Enumerable.Range(0, count).Select(i => new PutRecordsRequestEntry(Base64Data.FromBytes(new byte[dataBytes]), $"{keyPrefix}{i}")).ToArray());
}
