using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Replicator.Relay;
using Replicator.Telemetry;
using Replicator.Tests.Fakes;

namespace Replicator.Tests.Telemetry;

public sealed class EmbeddedMetricsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_batch_becomes_EMF_lines_CloudWatch_can_read_without_payload_bytes()
    {
        var output = new StringWriter();
        var clock = new FakeTimeProvider(Now);
        var records = TestRecords.Cdc(250, keys: 10, start: Now.AddSeconds(-300));
        var batch = new SourceBatch("orders", "shardId-000000000000", records);
        // The checkpoint took the latest commit of the durable records: record 199's, 300 - 199 seconds ago.
        var report = new BatchReport("orders", "shardId-000000000000", 250, 200, 12_345, 0, 3, 7, 2, 0, records[200].SequenceNumber, CheckpointAdvance.Advanced, Now.AddSeconds(-101));

        new RelayMetrics(new EmbeddedMetrics(output, clock), "us-west-2", clock).BatchDone(batch, report, "req-1");

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(3, lines.Length);
        foreach (var line in lines)
        {
            var directive = line.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
            Assert.Equal(MetricNames.Namespace, directive.GetProperty("Namespace").GetString());
            Assert.Equal(Now.ToUnixTimeMilliseconds(), line.GetProperty("_aws").GetProperty("Timestamp").GetInt64());
            // Every declared dimension and metric has its value at the top level, as EMF requires.
            foreach (var dimension in directive.GetProperty("Dimensions")[0].EnumerateArray())
            {
                Assert.True(line.TryGetProperty(dimension.GetString()!, out _));
            }

            foreach (var metric in directive.GetProperty("Metrics").EnumerateArray())
            {
                Assert.Contains(metric.GetProperty("Name").GetString(), MetricNames.All);
                Assert.True(line.TryGetProperty(metric.GetProperty("Name").GetString()!, out _));
            }

            Assert.Equal("req-1", line.GetProperty("requestId").GetString());
            Assert.Equal("us-west-2", line.GetProperty("TargetRegion").GetString());
        }

        var counts = lines[0];
        Assert.Equal(200, counts.GetProperty(MetricNames.RecordsReplicated).GetDouble());
        Assert.Equal(12_345, counts.GetProperty(MetricNames.BytesReplicated).GetDouble());
        Assert.Equal(7, counts.GetProperty(MetricNames.PutRecordsRetries).GetDouble());
        Assert.Equal(1, counts.GetProperty(MetricNames.BatchFailures).GetDouble());
        Assert.Equal(101, counts.GetProperty(MetricNames.CheckpointLagSeconds).GetDouble());

        var fromCommit = lines.Single(l => l.TryGetProperty("LatencyBasis", out var b) && b.GetString() == "CommitTimestamp");
        var latencies = fromCommit.GetProperty(MetricNames.ReplicationLatencyMs).EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(100, latencies.Length);
        Assert.Equal(300_000, latencies[0]);
        Assert.DoesNotContain("commitTimestamp", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Latency_is_measured_on_the_records_replicated_not_on_replicas_the_batch_began_with()
    {
        var output = new StringWriter();
        var clock = new FakeTimeProvider(Now);
        // Ten replicas committed an hour ago, then ten records replicated, committed 10 seconds ago.
        var records = TestRecords.Cdc(10, keys: 5, start: Now.AddHours(-1)).Concat(TestRecords.Cdc(10, keys: 5, start: Now.AddSeconds(-10))).ToList();
        var batch = new SourceBatch("orders", "shardId-000000000000", records);
        var report = new BatchReport("orders", "shardId-000000000000", 20, 10, 1_000, 10, 1, 0, 0, 0, null, CheckpointAdvance.Advanced, Now.AddSeconds(-1));

        new RelayMetrics(new EmbeddedMetrics(output, clock), "us-west-2", clock).BatchDone(batch, report, "req-2");

        var fromCommit = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(l => l.TryGetProperty("LatencyBasis", out var b) && b.GetString() == "CommitTimestamp");
        Assert.All(fromCommit.GetProperty(MetricNames.ReplicationLatencyMs).EnumerateArray(), v => Assert.True(v.GetDouble() <= 10_000, $"latency {v} is a replica's"));
    }
}
