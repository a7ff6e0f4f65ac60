using Replicator.LocalCloud.Verification;

namespace Replicator.Tests.Verification;

public sealed class CdcRecordTests
{
    private static readonly DateTimeOffset Committed = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1_024)]
    [InlineData(25 * 1024)]
    public void A_record_given_a_size_takes_it_with_its_partition_key_and_reads_back_equal(int bytes)
    {
        var record = new CdcRecord(1_234_567_890, 7, Committed).WithSize(bytes);

        Assert.Equal(bytes, record.ToJson().Length + record.PartitionKey.Length);
        Assert.Equal(record, CdcRecord.Parse(record.ToJson()));
    }

    [Fact]
    public void A_size_smaller_than_the_unpadded_record_is_refused_naming_it()
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => new CdcRecord(1_234_567_890, 7, Committed).WithSize(40));

        Assert.Contains("1234567890/7", refused.Message, StringComparison.Ordinal);
    }
}
