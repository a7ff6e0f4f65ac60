using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Faults;
using Replicator.Relay;

namespace Replicator.Tests.LocalCloud;

[Collection(LocalCloudCollection.Name)]
public sealed class ChaosTests(LocalCloudFixture fixture)
{
    [Fact]
    public async Task Nothing_is_lost_or_reordered_when_records_fail_requests_throttle_and_invocations_crash()
    {
        // The drill's faults, with crashes made frequent enough that a smaller run surely has some.
        var options = new DemoOptions
        {
            StreamName = LocalCloudFixture.UniqueStreamName("chaos"),
            Records = 20_000,
            Keys = 1_000,
            ZipfExponent = 1.1,
            Faults = FaultPlan.Chaos with { CrashRate = 0.03 },
        };

        var result = await new ReplicationDemo(fixture.Cloud, options, TextWriter.Null).RunAsync(null, CancellationToken.None);

        Assert.Equal(0, result.Check.Missing);
        Assert.Equal(0, result.Check.OrderViolations);
        Assert.Equal(0, result.Check.Unexpected);
        Assert.True(result.CheckpointsAtTails);
        Assert.True(result.Faults!.FailedRecords > 0);
        Assert.True(result.Faults.ThrottledRequests > 0);
        Assert.True(result.Faults.Crashes > 0);
        // A crash lands records without acknowledging them: they come again, as duplicates, never as gaps.
        Assert.True(result.Check.Duplicates > 0);
    }

    [Fact]
    public async Task Packed_ordering_keeps_each_keys_last_copies_in_order_under_the_same_faults()
    {
        var options = new DemoOptions
        {
            StreamName = LocalCloudFixture.UniqueStreamName("chaos-packed"),
            Records = 10_000,
            Keys = 200,
            ZipfExponent = 1.1,
            Ordering = RelayOrdering.Packed,
            Faults = FaultPlan.Chaos with { CrashRate = 0.03 },
        };

        var result = await new ReplicationDemo(fixture.Cloud, options, TextWriter.Null).RunAsync(null, CancellationToken.None);

        Assert.Equal(0, result.Check.Missing);
        Assert.Equal(0, result.Check.OrderViolations);
        Assert.Equal(0, result.Check.Unexpected);
        Assert.True(result.CheckpointsAtTails);
        Assert.True(result.Faults!.FailedRecords > 0);
        // Records behind a failed one of their key were sent again: the price of packing.
        Assert.True(result.Check.Duplicates > 0);
    }
}
