using System.Text;
using System.Text.Json;
using Replicator.Failover;
using Replicator.LocalCloud.Demo;
using Replicator.Tests.Fakes;

namespace Replicator.Tests.LocalCloud;

/// <summary>
/// Issue 16: the failover's verify step compares the two regions' streams. A planned failover into a
/// stream that would refuse records the source takes stops there (the machine then restores the config
/// and ingress); a forced one goes on and reports the difference.
/// </summary>
[Collection(LocalCloudCollection.Name)]
public sealed class StreamParityVerifyTests(LocalCloudFixture fixture)
{
    [Fact]
    public async Task A_planned_failover_into_a_stream_with_a_smaller_maximum_record_size_stops_naming_the_setting()
    {
        var stream = await StreamsAsync("parity-planned");

        var error = await Assert.ThrowsAsync<StreamConfigurationMismatchException>(() => VerifyAsync(stream, force: false));

        Assert.Contains("MaxRecordSizeInKiB 1024 (source 2048)", error.Message, StringComparison.Ordinal);
        Assert.Contains("UpdateMaxRecordSize to 2048 in us-east-2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forced_failover_goes_on_and_reports_the_difference()
    {
        var stream = await StreamsAsync("parity-forced");

        var result = JsonSerializer.Deserialize(await VerifyAsync(stream, force: true), FailoverJsonContext.Default.VerifyResult)!;

        Assert.Equal(["MaxRecordSizeInKiB 1024 (source 2048): us-east-2's stream refuses records above 1024 KiB that us-east-1's takes: raise it with UpdateMaxRecordSize to 2048 in us-east-2."], result.StreamDifferences);
    }

    /// <summary>A stream in both regions, the source's taking records up to 2 MiB, the target's up to the default 1 MiB.</summary>
    private async Task<string> StreamsAsync(string purpose)
    {
        var stream = await fixture.CreateStreamPairAsync(purpose);
        var source = fixture.Cloud.CreateKinesisClient(fixture.RegionA);
        await source.UpdateMaxRecordSizeAsync((await source.DescribeStreamSummaryAsync(stream, CancellationToken.None)).StreamARN, 2048, CancellationToken.None);
        return stream;
    }

    private async Task<byte[]> VerifyAsync(string stream, bool force)
    {
        var verify = VerifyFunction.CreateHandler(LocalFunctionEnvironment.Failover(fixture.Cloud, fixture.RegionB));
        var drain = new DrainStatus(Drained: true, Settled: true, TimedOut: false, SourceReachable: true, DrainedSince: DateTimeOffset.UtcNow, Measurement: null, Error: null);
        var request = new VerifyRequest(stream, fixture.RegionA, fixture.RegionB, force, drain);
        return await verify(JsonSerializer.SerializeToUtf8Bytes(request, FailoverJsonContext.Default.VerifyRequest), TestContexts.Create(TextWriter.Null), CancellationToken.None);
    }
}
