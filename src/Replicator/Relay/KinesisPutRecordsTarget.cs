using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

public sealed class KinesisPutRecordsTarget(KinesisClient client) : IPutRecordsTarget
{
    public Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken) =>
        client.PutRecordsAsync(request, cancellationToken);
}
