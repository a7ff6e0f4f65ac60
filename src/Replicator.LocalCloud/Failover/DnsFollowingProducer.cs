using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.Verification;

namespace Replicator.LocalCloud.Failover;

/// <summary>
/// A CDC producer that finds the stream's region the way real producers do: through the DNS record
/// (here, the Route 53 stand-in's data plane), looked up before every chunk. While the record holds no region's
/// value (ingress stopped) it waits. It logs every acknowledged record with the region it went to,
/// which is what the drills check the regions against.
/// </summary>
/// <param name="resolve">The record's values as a DNS query returns them.</param>
public sealed class DnsFollowingProducer(TwoRegionCloud cloud, Func<IReadOnlyList<string>> resolve, string streamName, Func<string, string?> regionOfValue)
{
    private readonly List<(CdcRecord Record, string Region)> _acknowledged = [];
    private readonly Dictionary<string, CdcProducer> _producers = new(StringComparer.Ordinal);
    private long _writeFailures;

    /// <summary>A copy of the log of acknowledged records, in the order they were acknowledged.</summary>
    public IReadOnlyList<(CdcRecord Record, string Region)> Acknowledged
    {
        get
        {
            lock (_acknowledged)
            {
                return _acknowledged.ToArray();
            }
        }
    }

    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    /// <summary>Writes <paramref name="records"/> in chunks until they run out or the token is cancelled; a chunk not acknowledged whole is retried from its first unacknowledged record.</summary>
    public async Task RunAsync(IReadOnlyList<CdcRecord> records, int chunkSize, TimeSpan pause, CancellationToken cancellationToken)
    {
        var next = 0;
        while (next < records.Count && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resolve().Select(regionOfValue).FirstOrDefault(r => r is not null) is not { } region)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var chunk = records.Skip(next).Take(chunkSize).ToArray();
                var acknowledged = await ProducerFor(region).ProduceChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
                lock (_acknowledged)
                {
                    _acknowledged.AddRange(chunk.Take(acknowledged).Select(r => (r, region)));
                }

                next += acknowledged;
                if (acknowledged < chunk.Length)
                {
                    Interlocked.Increment(ref _writeFailures);
                }

                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private CdcProducer ProducerFor(string region)
    {
        if (!_producers.TryGetValue(region, out var producer))
        {
            producer = new CdcProducer(cloud.CreateKinesisClient(region), streamName);
            _producers[region] = producer;
        }

        return producer;
    }
}
