using System.Text;
using System.Text.Json;
using Replicator.Archive;
using Replicator.Tests.Fakes;

namespace Replicator.Tests.Archive;

/// <summary>The archive's Firehose transformation with the sample event (events/firehose-transform.json) and broken records.</summary>
public sealed class ArchiveTransformTests
{
    private static readonly byte[] Sample = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "events", "firehose-transform.json"));
    private readonly StringWriter _log = new();

    [Fact]
    public async Task A_cdc_record_becomes_an_envelope_line_with_every_field_and_its_prefix_keys()
    {
        var results = await TransformAsync(Sample, tenantField: "tenantId");

        var first = results[0];
        Assert.Equal(("49546986683135544286507457936321625675700192471156785154", FirehoseRecordResult.Ok), (first.RecordId, first.Result));
        var line = Encoding.UTF8.GetString(first.Data.ToArray());
        Assert.EndsWith("}\n", line, StringComparison.Ordinal);
        var original = Event().Records![0].Data!.Value;
        Assert.Equal(
            "{\"partitionKey\":\"4211\",\"shardId\":\"shardId-000000000001\",\"sequenceNumber\":\"49546986683135544286507457936321625675700192471156785154\","
            + "\"arrivalTime\":\"2026-11-25T09:00:02.400Z\",\"commitTimestamp\":\"2026-11-25T09:15:02.345Z\",\"data\":\"" + Encoding.UTF8.GetString(original.Base64.Span) + "\"}\n",
            line);
        Assert.Equal(
            new Dictionary<string, string> { ["stream"] = "kds-stream-1", ["hour"] = "2026-11-25-09", ["tenant"] = "acme", ["bucket"] = ArchiveBuckets.Name(ArchiveBuckets.Of("4211")) },
            first.Metadata!.PartitionKeys);
        Assert.Matches("^[0-9]{2}$", first.Metadata.PartitionKeys["bucket"]);
    }

    [Fact]
    public async Task Non_json_and_binary_payloads_round_trip_byte_identical_under_their_arrival_hour()
    {
        var results = await TransformAsync(Sample, tenantField: "tenantId");

        foreach (var (result, sent) in results.Zip(Event().Records!).Skip(1))
        {
            var envelope = ArchiveEnvelope.Parse(result.Data.ToArray());
            Assert.Equal(sent.Data!.Value.ToArray(), envelope.Data.ToArray());
            Assert.Null(envelope.CommitTimestamp);
            Assert.Equal(sent.KinesisRecordMetadata!.PartitionKey, envelope.PartitionKey);
            Assert.Equal(TenantPrefix.NoTenant, result.Metadata!.PartitionKeys["tenant"]);
        }

        Assert.Equal(["2026-11-25-10", "2026-11-25-10"], results.Skip(1).Select(r => r.Metadata!.PartitionKeys["hour"]));
    }

    [Fact]
    public async Task Without_a_tenant_field_there_is_no_tenant_key()
    {
        var results = await TransformAsync(Sample, tenantField: null);

        Assert.All(results, r => Assert.False(r.Metadata!.PartitionKeys.ContainsKey("tenant")));
    }

    [Fact]
    public async Task A_record_it_cannot_wrap_is_processing_failed_with_its_data_and_the_reason_logged()
    {
        var json = Encoding.UTF8.GetString(Sample).Replace("\"partitionKey\": \"notes-7\",", "", StringComparison.Ordinal);

        var results = await TransformAsync(Encoding.UTF8.GetBytes(json), tenantField: null);

        Assert.Equal([FirehoseRecordResult.Ok, FirehoseRecordResult.ProcessingFailed, FirehoseRecordResult.Ok], results.Select(r => r.Result));
        Assert.Equal(Event().Records![1].Data!.Value.ToArray(), results[1].Data.ToArray());
        Assert.Contains("Archive record 49546986683135544286507457936321625675700192471156785155 (records[1]", _log.ToString(), StringComparison.Ordinal);
        Assert.Contains("partitionKey", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_whose_envelope_exceeds_firehoses_limit_is_kept_unwrapped()
    {
        var big = Convert.ToBase64String(new byte[800 * 1024]);
        var json = Encoding.UTF8.GetString(Sample).Replace(Convert.ToBase64String(Encoding.UTF8.GetBytes("plain text, not JSON")), big, StringComparison.Ordinal);

        var results = await TransformAsync(Encoding.UTF8.GetBytes(json), tenantField: null);

        Assert.Equal(FirehoseRecordResult.ProcessingFailed, results[1].Result);
        Assert.Contains("1024000-byte record limit", _log.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"invocationId\":\"x\"}", "'records'")]
    [InlineData("{\"records\":[{\"recordId\":\"1\"}]}", "sourceKinesisStreamArn '(missing)'")]
    [InlineData("{\"sourceKinesisStreamArn\":\"arn:aws:kinesis:us-east-1:123456789012:stream/s\",\"records\":[{\"data\":\"\"}]}", "records[0].recordId is missing")]
    public async Task An_event_that_is_not_firehoses_names_the_field(string json, string expected)
    {
        var error = await Assert.ThrowsAsync<InvalidFirehoseEventException>(() => TransformAsync(Encoding.UTF8.GetBytes(json), tenantField: null));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"tenantId\":\"acme/../x\"}", "acme_.._x")]
    [InlineData("{\"tenantId\":42}", "42")]
    [InlineData("{\"tenantId\":\"\"}", null)]
    [InlineData("{\"other\":1}", null)]
    [InlineData("not json", null)]
    public void Tenants_are_read_from_the_payload_and_made_safe_for_a_prefix(string payload, string? expected) =>
        Assert.Equal(expected, TenantPrefix.Of(Encoding.UTF8.GetBytes(payload), "tenantId"));

    private static FirehoseTransformationEvent Event() => JsonSerializer.Deserialize(Sample, ArchiveJsonContext.Default.FirehoseTransformationEvent)!;

    /// <summary>Issue 19: with tenants listed at deploy, another tenant's records share one prefix, so the prefixes stay as many as the deploy counted.</summary>
    [Fact]
    public async Task A_tenant_not_listed_at_deploy_is_archived_under_the_unlisted_prefix()
    {
        Assert.Equal("acme", (await TransformAsync(Sample, "tenantId", tenants: new HashSet<string> { "acme", "globex" }))[0].Metadata!.PartitionKeys["tenant"]);
        var unlisted = await TransformAsync(Sample, "tenantId", tenants: new HashSet<string> { "globex" });
        Assert.Equal([TenantPrefix.UnlistedTenant, TenantPrefix.NoTenant, TenantPrefix.NoTenant], unlisted.Select(r => r.Metadata!.PartitionKeys["tenant"]));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(1)]
    public async Task Fewer_buckets_name_their_count_and_hold_a_keys_bucket_of_16_mod_that_count(int buckets)
    {
        var results = await TransformAsync(Sample, tenantField: null, buckets: buckets);

        Assert.Equal(ArchiveBuckets.Name(ArchiveBuckets.Of("4211") % buckets, buckets), results[0].Metadata!.PartitionKeys["bucket"]);
        Assert.Matches($"^[0-9]{{2}}of{buckets:00}$", results[0].Metadata!.PartitionKeys["bucket"]);
        Assert.Equal(new ArchiveBucket(ArchiveBuckets.Of("4211") % buckets, buckets), ArchiveBuckets.InKey($"archive/stream=s/hour=h/bucket={results[0].Metadata!.PartitionKeys["bucket"]}/part-0"));
    }

    [Theory]
    [InlineData("3", "is 3; it must be 16, 8, 4, 2, 1")]
    [InlineData("32", "is 32; it must be 16, 8, 4, 2, 1")]
    public void A_bucket_count_that_does_not_divide_16_is_refused_naming_the_setting(string buckets, string problem)
    {
        var environment = new Dictionary<string, string> { [ArchiveEnvironment.Region] = "us-east-1", [ArchiveEnvironment.Buckets] = buckets };

        var error = Assert.Throws<Replicator.Lambda.SettingsException>(() => ArchiveTransformFunction.Create(environment));

        Assert.Contains(ArchiveEnvironment.Buckets, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    private async Task<IReadOnlyList<FirehoseRecordResult>> TransformAsync(byte[] payload, string? tenantField, IReadOnlySet<string>? tenants = null, int buckets = ArchiveBuckets.Count)
    {
        var response = await new ArchiveTransformFunction(tenantField, listedShards: null, tenants, buckets).HandleAsync(payload, TestContexts.Create(_log), CancellationToken.None);
        return JsonSerializer.Deserialize(response, ArchiveJsonContext.Default.FirehoseTransformationResponse)!.Records;
    }
}
