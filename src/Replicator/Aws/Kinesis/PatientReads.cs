namespace Replicator.Aws.Kinesis;

/// <summary>
/// GetRecords for a reader that shares a shard's five reads a second with others (a mapping, the
/// failover's drain, a drill's check): when the shard refuses, it waits its turn and asks again, as
/// Lambda's mapping and a KCL worker do, instead of failing. Cancel the token to bound the wait.
/// </summary>
public static class PatientReads
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(250);

    public static async Task<GetRecordsResponse> GetRecordsAsync(KinesisClient client, GetRecordsRequest request, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await client.GetRecordsAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (ProvisionedThroughputExceededException)
            {
                await Task.Delay(Pause, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
