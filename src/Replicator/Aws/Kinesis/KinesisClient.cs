using Replicator.Aws.Json;

namespace Replicator.Aws.Kinesis;

/// <summary>
/// A typed Kinesis Data Streams client over the JSON 1.1 protocol (AWSSDK.Kinesis is not available here),
/// with only the operations this project calls. Errors surface as the exceptions in KinesisErrors.cs.
/// </summary>
public sealed class KinesisClient(AwsServiceOptions options)
{
    private static readonly KinesisJsonContext Json = KinesisJsonContext.Wire;

    private readonly AwsJsonClient _client = new(options, signingName: "kinesis", targetPrefix: "Kinesis_20131202");

    public string Region => _client.Region;

    /// <summary>A client per region, made once each, without retries inside a call: each caller decides what a silent region means.</summary>
    public static Func<string, KinesisClient> PerRegion(RegionalEndpoints endpoints, Amazon.Runtime.AWSCredentials credentials)
    {
        var clients = new System.Collections.Concurrent.ConcurrentDictionary<string, KinesisClient>(StringComparer.Ordinal);
        return region => clients.GetOrAdd(region, r => new KinesisClient(new AwsServiceOptions(r, credentials, AwsEnvironment.HttpClient)
        {
            EndpointOverride = endpoints.For(r),
            Retry = RetrySettings.None,
        }));
    }

    public Uri Endpoint => _client.Endpoint;

    public async Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken)
    {
        var response = await _client.SendRawAsync("PutRecords", PutRecordsBody.Serialize(request), cancellationToken).ConfigureAwait(false);
        return System.Text.Json.JsonSerializer.Deserialize(response, Json.PutRecordsResponse)
            ?? throw new AwsServiceException("kinesis", "InvalidResponse", "PutRecords answered JSON null", System.Net.HttpStatusCode.OK);
    }

    public Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken) =>
        _client.SendAsync("GetShardIterator", request, Json.GetShardIteratorRequest, Json.GetShardIteratorResponse, cancellationToken);

    public Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken) =>
        _client.SendAsync("GetRecords", request, Json.GetRecordsRequest, Json.GetRecordsResponse, cancellationToken);

    public Task<ListShardsResponse> ListShardsPageAsync(ListShardsRequest request, CancellationToken cancellationToken) =>
        _client.SendAsync("ListShards", request, Json.ListShardsRequest, Json.ListShardsResponse, cancellationToken);

    /// <summary>Every shard of the stream, following NextToken (which must be sent without the stream name).</summary>
    public async Task<IReadOnlyList<Shard>> ListShardsAsync(string streamName, CancellationToken cancellationToken)
    {
        var shards = new List<Shard>();
        var page = await ListShardsPageAsync(new ListShardsRequest { StreamName = streamName }, cancellationToken).ConfigureAwait(false);
        shards.AddRange(page.Shards);
        while (page.NextToken is { } token)
        {
            page = await ListShardsPageAsync(new ListShardsRequest { NextToken = token }, cancellationToken).ConfigureAwait(false);
            shards.AddRange(page.Shards);
        }

        return shards;
    }

    public async Task<StreamDescriptionSummary> DescribeStreamSummaryAsync(string streamName, CancellationToken cancellationToken) =>
        (await _client.SendAsync("DescribeStreamSummary", new StreamNameRequest(streamName), Json.StreamNameRequest, Json.DescribeStreamSummaryResponse, cancellationToken)
            .ConfigureAwait(false)).StreamDescriptionSummary;

    public Task UpdateMaxRecordSizeAsync(string streamArn, int maxRecordSizeInKiB, CancellationToken cancellationToken) =>
        _client.SendAsync("UpdateMaxRecordSize", new UpdateMaxRecordSizeRequest(streamArn, maxRecordSizeInKiB), Json.UpdateMaxRecordSizeRequest, Json.EmptyResponse, cancellationToken);

    public Task CreateStreamAsync(string streamName, int shardCount, CancellationToken cancellationToken) =>
        _client.SendAsync("CreateStream", new CreateStreamRequest(streamName, shardCount), Json.CreateStreamRequest, Json.EmptyResponse, cancellationToken);

    /// <summary>An on-demand stream: Kinesis decides its shards (four to start) and splits them as traffic grows.</summary>
    public Task CreateOnDemandStreamAsync(string streamName, CancellationToken cancellationToken) =>
        _client.SendAsync(
            "CreateStream",
            new CreateStreamRequest(streamName, null) { StreamModeDetails = new StreamModeDetails(StreamModes.OnDemand) },
            Json.CreateStreamRequest,
            Json.EmptyResponse,
            cancellationToken);

    public Task DeleteStreamAsync(string streamName, CancellationToken cancellationToken) =>
        _client.SendAsync("DeleteStream", new DeleteStreamRequest(streamName), Json.DeleteStreamRequest, Json.EmptyResponse, cancellationToken);

    public Task SplitShardAsync(SplitShardRequest request, CancellationToken cancellationToken) =>
        _client.SendAsync("SplitShard", request, Json.SplitShardRequest, Json.EmptyResponse, cancellationToken);

    public Task MergeShardsAsync(MergeShardsRequest request, CancellationToken cancellationToken) =>
        _client.SendAsync("MergeShards", request, Json.MergeShardsRequest, Json.EmptyResponse, cancellationToken);

    public Task<UpdateShardCountResponse> UpdateShardCountAsync(UpdateShardCountRequest request, CancellationToken cancellationToken) =>
        _client.SendAsync("UpdateShardCount", request, Json.UpdateShardCountRequest, Json.UpdateShardCountResponse, cancellationToken);

    /// <summary>Polls DescribeStreamSummary until the stream is ACTIVE (after create or update).</summary>
    public async Task WaitUntilActiveAsync(string streamName, CancellationToken cancellationToken)
    {
        while ((await DescribeStreamSummaryAsync(streamName, cancellationToken).ConfigureAwait(false)).StreamStatus != "ACTIVE")
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
        }
    }
}
