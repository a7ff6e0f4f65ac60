using System.Net;
using Replicator.Aws.Json;
using Replicator.Aws.Kinesis;
using Replicator.Relay;

namespace Replicator.Tests.Fakes;

/// <summary>
/// A target stream that keeps what landed, in arrival order, and fails records or whole requests as a
/// test scripts it. Like Kinesis, it lands the records of a request that it does not fail.
/// </summary>
internal sealed class RecordingTarget : IPutRecordsTarget
{
    private readonly Lock _gate = new();
    private long _sequence;

    public List<(string PartitionKey, byte[] Data)> Landed { get; } = [];

    public List<int> RequestSizes { get; } = [];

    /// <summary>Decides per record (request number, record) whether it fails with this error code (null: lands).</summary>
    public Func<int, PutRecordsRequestEntry, string?> FailRecord { get; set; } = (_, _) => null;

    /// <summary>Decides per request whether the whole request fails with this exception.</summary>
    public Func<int, Exception?> FailRequest { get; set; } = _ => null;

    public Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var number = RequestSizes.Count;
            RequestSizes.Add(request.Records.Count);
            if (FailRequest(number) is { } exception)
            {
                throw exception;
            }

            var results = new List<PutRecordsResultEntry>();
            foreach (var entry in request.Records)
            {
                if (FailRecord(number, entry) is { } code)
                {
                    results.Add(new PutRecordsResultEntry(null, null, code, "injected"));
                    continue;
                }

                Landed.Add((entry.PartitionKey, entry.Data.ToArray()));
                results.Add(new PutRecordsResultEntry((++_sequence).ToString(System.Globalization.CultureInfo.InvariantCulture), "shardId-000000000000", null, null));
            }

            return Task.FromResult(new PutRecordsResponse(results.Count(r => !r.Succeeded), results));
        }
    }

    public static AwsServiceException Throttled() =>
        new ProvisionedThroughputExceededException("kinesis", "Rate exceeded for shard", HttpStatusCode.BadRequest);
}
