using Replicator.LocalCloud.Demo;

namespace Replicator.Tests.LocalCloud;

[Collection(LocalCloudCollection.Name)]
public sealed class ReplicationDemoTests(LocalCloudFixture fixture)
{
    [Fact]
    public async Task Every_record_reaches_region_B_in_per_key_order_with_checkpoints_at_the_shard_tails()
    {
        var options = new DemoOptions { StreamName = LocalCloudFixture.UniqueStreamName("demo"), Records = 10_000, Keys = 200, Shards = 4 };
        var log = new StringWriter();

        var result = await new ReplicationDemo(fixture.Cloud, options, TextWriter.Synchronized(log)).RunAsync(null, CancellationToken.None);

        Assert.Equal(10_000, result.Check.Produced);
        Assert.Equal(10_000, result.Check.Found);
        Assert.Equal(0, result.Check.Missing);
        Assert.Equal(0, result.Check.OrderViolations);
        Assert.Equal(0, result.Check.Unexpected);
        Assert.Equal(4, result.ShardResults.Count);
        Assert.All(result.ShardResults, shard =>
        {
            Assert.True(shard.Records > 0, $"{shard.ShardId} got no records; the keys should spread over every shard");
            Assert.True(shard.CheckpointAtTail, $"{shard.ShardId}: checkpoint {shard.Checkpoint?.SequenceNumber} is not the tail {shard.TailSequenceNumber}");
        });
        // Every shard caught up to its tail: nothing unreplicated bounds the watermark, which is the latest commit replicated.
        Assert.Equal(result.ShardResults.Max(s => s.Checkpoint!.CommitTimestamp), result.ReplicatedUpTo);
        // B's relay consumed B's copies but, B not being active, wrote nothing back into A.
        Assert.Equal(10_000, result.ShardResults.Sum(s => s.Records));
    }
}
