using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using BenchmarkDotNet.Attributes;
using Replicator.Aws.Json;
using Replicator.Aws.Kinesis;
using Replicator.Lambda;
using Replicator.Relay;

namespace Replicator.Benchmarks.Cpu;

/// <summary>
/// The relay's CPU path for one invocation: a Kinesis event of 10,000 records of 1 KiB becomes signed
/// PutRecords requests. The baseline builds and signs one request per record, as a per-record relay does.
/// </summary>
[MemoryDiagnoser]
public class EventToRequestBenchmarks
{
    public const int Records = 10_000;
    public const int PayloadBytes = 1024;

    private byte[] _event = [];
    private byte[][] _bodies = [];

    // Signed as the relay signs: AWSSDK.Core's SigV4 signer, which hashes every body byte (SHA-256) into
    // the canonical request ("Create a signed AWS API request", IAM User Guide: HashedPayload; only S3
    // takes UNSIGNED-PAYLOAD). Placeholder keys: nothing is sent.
    private readonly RequestSigner _signer = new(
        new BasicAWSCredentials("AKIDEXAMPLE", "benchmark-placeholder"),
        new SigningClientConfig("kinesis", "us-east-2", new Uri("http://127.0.0.1:4567")));

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var records = Enumerable.Range(0, Records).Select(i =>
        {
            var sequenceNumber = $"4959033827149025660855969253836157109592157598913{i:000000}";
            var prefix = Encoding.UTF8.GetBytes($"{{\"key\":{i},\"commitTimestamp\":\"2026-11-25T08:00:{i % 60:00}.000Z\",\"pad\":\"");
            var data = new byte[PayloadBytes];
            prefix.CopyTo(data, 0);
            for (var j = prefix.Length; j < PayloadBytes - 2; j++)
            {
                data[j] = (byte)('a' + random.Next(26));
            }

            data[^2] = (byte)'"';
            data[^1] = (byte)'}';
            return new KinesisEventRecord
            {
                EventSource = "aws:kinesis",
                EventVersion = "1.0",
                EventId = $"shardId-000000000000:{sequenceNumber}",
                EventName = "aws:kinesis:record",
                AwsRegion = "us-east-1",
                EventSourceArn = "arn:aws:kinesis:us-east-1:123456789012:stream/orders",
                Kinesis = new KinesisRecordData
                {
                    KinesisSchemaVersion = "1.0",
                    PartitionKey = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    SequenceNumber = sequenceNumber,
                    Data = Base64Data.FromBytes(data),
                    ApproximateArrivalTimestamp = 1764057600.123,
                },
            };
        }).ToArray();
        _event = JsonSerializer.SerializeToUtf8Bytes(new KinesisEvent(records), LambdaEventsJsonContext.Default.KinesisEvent);
        var bodies = new List<byte[]>();
        WriteBodies(bodies.Add);
        _bodies = [.. bodies];
    }

    private static bool[] AllLanded(int count)
    {
        var landed = new bool[count];
        Array.Fill(landed, true);
        return landed;
    }

    /// <summary>Where the time goes, part 1: the event read into a batch (data left as base64 slices).</summary>
    [Benchmark]
    public long ReadOnly() => SourceBatch.Read(_event).Records.Count;

    /// <summary>Part 2: the batch also planned into requests, without writing them.</summary>
    [Benchmark]
    public long ReadAndPlan()
    {
        var batch = SourceBatch.Read(_event);
        var planner = new DeliveryPlanner(batch.Records, PutRecordsLimits.Kinesis);
        long n = 0;
        while (planner.Pending > 0)
        {
            var request = planner.TakeNextRequest();
            n += request.Count;
            planner.Settle(request, AllLanded(request.Count));
        }

        return n;
    }

    /// <summary>Part 3: every PutRecords body also written as the Kinesis client writes it, and the commit timestamps read.</summary>
    [Benchmark]
    public long Bodies() => WriteBodies(_ => { });

    /// <summary>The relay's path whole, up to the socket: read, plan, each body written and its request signed.</summary>
    [Benchmark]
    public long Relay() => WriteBodies(body => Sign(body).Dispose());

    /// <summary>
    /// The floor under any relay that signs: only the bodies the relay writes, signed. It reads every body
    /// byte once, as SHA-256 must; the relay reads each record at least twice more (the event, the copy).
    /// </summary>
    [Benchmark]
    public long SigningFloor()
    {
        foreach (var body in _bodies)
        {
            Sign(body).Dispose();
        }

        return _bodies.Length;
    }

    /// <summary>A seed-004-style relay: the event deserialized whole, each record decoded and sent on its own.</summary>
    [Benchmark(Baseline = true)]
    public long PerRecord()
    {
        var kinesisEvent = JsonSerializer.Deserialize(_event, LambdaEventsJsonContext.Default.KinesisEvent)!;
        long bodyBytes = 0;
        foreach (var record in kinesisEvent.Records!)
        {
            var data = record.Kinesis!.Data!.Value.ToArray();
            var body = JsonSerializer.SerializeToUtf8Bytes(
                new PutRecordsRequest("orders", [new PutRecordsRequestEntry(Base64Data.FromBytes(data), record.Kinesis.PartitionKey!)]),
                KinesisJsonContext.Wire.PutRecordsRequest);
            Sign(body).Dispose();
            bodyBytes += body.Length + (CommitTimestamps.TryRead(data)?.Ticks ?? 0);
        }

        return bodyBytes;
    }

    private long WriteBodies(Action<byte[]> send)
    {
        var batch = SourceBatch.Read(_event);
        var planner = new DeliveryPlanner(batch.Records, PutRecordsLimits.Kinesis);
        long bodyBytes = 0;
        while (planner.Pending > 0)
        {
            var request = planner.TakeNextRequest();
            var body = PutRecordsBody.Serialize(
                new PutRecordsRequest(batch.StreamName, request.Select(r => new PutRecordsRequestEntry(r.Data, r.PartitionKey)).ToArray()));
            send(body);
            bodyBytes += body.Length;
            planner.Settle(request, AllLanded(request.Count));
        }

        // The checkpoint keeps the latest commit timestamp of the durable records, as the relay reads it.
        return bodyBytes + (CommitTimestamps.Latest(batch.Records, batch.Records.Count).Latest?.Ticks ?? 0);
    }

    private HttpRequestMessage Sign(byte[] body) =>
        _signer.SignAsync(HttpMethod.Post, "/", query: null, PutRecordsHeaders, body, "application/x-amz-json-1.1").GetAwaiter().GetResult();

    private static readonly Dictionary<string, string> PutRecordsHeaders = new() { ["X-Amz-Target"] = "Kinesis_20131202.PutRecords" };
}
