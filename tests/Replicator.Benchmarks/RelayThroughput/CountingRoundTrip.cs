using Replicator.Aws.Kinesis;
using Replicator.Relay;

namespace Replicator.Benchmarks.RelayThroughput;

/// <summary>
/// Counts the PutRecords calls into the target region, the records they carry (a record sent again
/// counts again) with their PUT payload units, and the request and response bodies' bytes, and adds a
/// simulated cross-region round trip to each: on loopback the emulator answers in microseconds, a real
/// target region in tens of milliseconds.
/// </summary>
public sealed class CountingRoundTrip(IPutRecordsTarget inner, TimeSpan roundTrip) : IPutRecordsTarget
{
    private long _calls;
    private long _recordsSent;
    private long _putPayloadUnits;
    private long _crossRegionBytes;
    private long _firstCallTicks;
    private long _lastAnswerTicks;

    public long Calls => Interlocked.Read(ref _calls);

    public long RecordsSent => Interlocked.Read(ref _recordsSent);

    public long PutPayloadUnits => Interlocked.Read(ref _putPayloadUnits);

    /// <summary>Request and response bodies as the Kinesis client writes and reads them (headers and TLS left out).</summary>
    public long CrossRegionBytes => Interlocked.Read(ref _crossRegionBytes);

    /// <summary>From the first call to the last answer: the span records were being sent in.</summary>
    public TimeSpan Sending => TimeSpan.FromTicks(Interlocked.Read(ref _lastAnswerTicks) - Interlocked.Read(ref _firstCallTicks));

    public async Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _recordsSent, request.Records.Count);
        Interlocked.Add(ref _putPayloadUnits, request.Records.Sum(r => RelayCost.PutPayloadUnits(r.Bytes)));
        Interlocked.Add(ref _crossRegionBytes, PutRecordsBody.Length(request));
        Interlocked.CompareExchange(ref _firstCallTicks, DateTime.UtcNow.Ticks, 0);
        if (roundTrip > TimeSpan.Zero)
        {
            await Task.Delay(roundTrip, cancellationToken).ConfigureAwait(false);
        }

        var response = await inner.PutRecordsAsync(request, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _crossRegionBytes, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(response, KinesisJsonContext.Wire.PutRecordsResponse).Length);
        Interlocked.Exchange(ref _lastAnswerTicks, DateTime.UtcNow.Ticks);
        return response;
    }
}
