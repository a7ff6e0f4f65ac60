using Replicator.LocalCloud.Verification;
using Replicator.Relay;

namespace Replicator.Tests.Verification;

public sealed class ReplicationCheckTests
{
    private static readonly CdcRecord[] Produced = [Record(1, 0), Record(1, 1), Record(1, 2), Record(2, 0)];

    [Fact]
    public void Strict_ARecordAheadOfAnEarlierOneOfItsKey_IsAViolationEvenIfItComesAgain()
    {
        // Key 1's n=2 landed early, n=1 was retried, n=2 sent again behind it: a packed relay's answer to a failure.
        CdcRecord[] target = [Record(1, 0), Record(2, 0), Record(1, 2), Record(1, 1), Record(1, 2)];

        var strict = ReplicationCheck.Compare(Produced, target, RelayOrdering.Strict);
        var packed = ReplicationCheck.Compare(Produced, target, RelayOrdering.Packed);

        Assert.Equal((0, 1, 1), (strict.Missing, strict.Duplicates, strict.OrderViolations));
        Assert.Equal((0, 1, 0), (packed.Missing, packed.Duplicates, packed.OrderViolations));
    }

    [Fact]
    public void Packed_ALastCopyOutOfOrder_IsAViolation()
    {
        // n=2's only copy is ahead of n=1: no later copy puts it right.
        CdcRecord[] target = [Record(1, 0), Record(1, 2), Record(1, 1), Record(2, 0)];

        Assert.Equal(1, ReplicationCheck.Compare(Produced, target, RelayOrdering.Packed).OrderViolations);
    }

    [Fact]
    public void Either_ARecordNeverArriving_IsMissing()
    {
        CdcRecord[] target = [Record(1, 0), Record(1, 2), Record(2, 0)];

        Assert.Equal(1, ReplicationCheck.Compare(Produced, target, RelayOrdering.Strict).Missing);
        Assert.Equal(1, ReplicationCheck.Compare(Produced, target, RelayOrdering.Packed).Missing);
    }

    private static CdcRecord Record(long key, long n) => new(key, n, DateTimeOffset.UnixEpoch);
}
