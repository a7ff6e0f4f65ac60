using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

/// <summary>Where the relay's PutRecords go: the target region's Kinesis, or a test's fault-injecting double.</summary>
public interface IPutRecordsTarget
{
    Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken);
}
