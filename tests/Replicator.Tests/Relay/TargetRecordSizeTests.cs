using Replicator.Aws.Kinesis;
using Replicator.Relay;

namespace Replicator.Tests.Relay;

public sealed class TargetRecordSizeTests
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Records_every_stream_takes_need_no_look_at_the_target()
    {
        var describes = 0;
        var size = new TargetRecordSize(_ => { describes++; return Task.FromResult<int?>(null); }, "s", "us-east-2");

        await size.EnsureTargetTakesAsync(Request(MiB - 10), CancellationToken.None);

        Assert.Equal(0, describes);
    }

    [Fact]
    public async Task A_large_record_the_target_takes_passes_and_its_maximum_is_read_once()
    {
        var describes = 0;
        var size = new TargetRecordSize(_ => { describes++; return Task.FromResult<int?>(10240); }, "s", "us-east-2");

        await size.EnsureTargetTakesAsync(Request(4 * MiB), CancellationToken.None);
        await size.EnsureTargetTakesAsync(Request(9 * MiB), CancellationToken.None);

        Assert.Equal(1, describes);
    }

    [Theory]
    [InlineData(null, "its MaxRecordSizeInKiB is 1024")]
    [InlineData(2048, "its MaxRecordSizeInKiB is 2048")]
    public async Task A_record_larger_than_the_target_takes_is_an_error_naming_both_settings_and_is_read_again_next_time(int? targetMaxKiB, string named)
    {
        var describes = 0;
        var size = new TargetRecordSize(_ => { describes++; return Task.FromResult(targetMaxKiB); }, "orders", "us-east-2");

        var error = await Assert.ThrowsAsync<RelayTargetException>(() => size.EnsureTargetTakesAsync(Request(3 * MiB), CancellationToken.None));
        await Assert.ThrowsAsync<RelayTargetException>(() => size.EnsureTargetTakesAsync(Request(3 * MiB), CancellationToken.None));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("'orders' in us-east-2", error.Message, StringComparison.Ordinal);
        Assert.Contains("InputStreamMaxRecordSizeInKiB", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing is skipped", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, describes);
    }

    /// <summary>The record's size counts its partition key with its data, as Kinesis counts it.</summary>
    [Fact]
    public async Task The_partition_key_counts_toward_the_size()
    {
        var size = new TargetRecordSize(_ => Task.FromResult<int?>(null), "s", "us-east-2");

        await Assert.ThrowsAsync<RelayTargetException>(() => size.EnsureTargetTakesAsync(Request(MiB, partitionKey: "k"), CancellationToken.None));
    }

    private static PutRecordsRequest Request(int dataBytes, string partitionKey = "") =>
        new("s", [new PutRecordsRequestEntry(Base64Data.FromBytes(new byte[dataBytes]), partitionKey)]);
}
