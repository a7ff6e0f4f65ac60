using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Faults;
using Replicator.Relay;

namespace Replicator.Tests.LocalCloud;

[Collection(DrillCloudCollection.Name)]
public sealed class ChaosTests(LocalCloudFixture fixture)
{
    /// <summary>
    /// The drill's faults, with crashes made frequent enough that a smaller run surely has some. Each
    /// ordering is held to its own contract: strict, each key's first copies in order; packed, its last;
    /// aggregated, strict once the target's aggregates are split as a KCL consumer splits them.
    /// </summary>
    [Theory]
    [InlineData(RelayOrdering.Strict)]
    [InlineData(RelayOrdering.Packed)]
    [InlineData(RelayOrdering.Aggregated)]
    public async Task Nothing_is_lost_or_reordered_when_records_fail_requests_throttle_and_invocations_crash(RelayOrdering ordering)
    {
        var options = new DemoOptions
        {
            StreamName = LocalCloudFixture.UniqueStreamName($"chaos-{ordering}".ToLowerInvariant()),
            Records = 6_000,
            Keys = 1_000,
            ZipfExponent = 1.1,
            Ordering = ordering,
            // Crashes and stalls are rolled per invocation: batches of 50 make about 150 invocations, so at these
            // rates a run without a crash or without a stall has odds under 1 in 2,000 (0.94^150, 0.95^150), and
            // each stall costs the shard a 5 s timeout, which is most of the run's time.
            BatchSize = 50,
            Faults = FaultPlan.Chaos with { CrashRate = 0.06, StallRate = 0.05 },
            RelayTimeout = TimeSpan.FromSeconds(5),
        };

        var result = await new ReplicationDemo(fixture.Cloud, options, TextWriter.Null).RunAsync(null, CancellationToken.None);

        Assert.Equal(0, result.Check.Missing);
        Assert.Equal(0, result.Check.OrderViolations);
        Assert.Equal(0, result.Check.Unexpected);
        Assert.True(result.CheckpointsAtTails);
        Assert.True(result.Faults!.FailedRecords > 0);
        Assert.True(result.Faults.ThrottledRequests > 0);
        Assert.True(result.Faults.Crashes > 0);
        // Every stall ended in a kill at the timeout, and the killed batches were relayed in full after.
        Assert.True(result.Faults.Stalls > 0);
        Assert.Equal(result.Faults.Stalls, result.Killed);
        // A crash lands records without acknowledging them (and packed sends a failed record's followers
        // again): they come again, as duplicates, never as gaps.
        Assert.True(result.Check.Duplicates > 0);
    }
}
