using System.Diagnostics;
using Replicator.LocalCloud.Emulators;

namespace Replicator.Tests.LocalCloud;

public sealed class TwoRegionCloudTests
{
    [Fact]
    public async Task Every_emulator_listens_on_loopback_and_is_stopped_on_dispose()
    {
        var cloud = await TwoRegionCloud.StartAsync(["eu-west-1", "eu-central-1"]);
        IReadOnlyList<int> processIds;
        try
        {
            var endpoints = cloud.Regions.Select(cloud.Region).ToArray();
            Assert.All(endpoints.SelectMany(e => new[] { e.KinesisEndpoint, e.DynamoDbEndpoint, e.S3Endpoint }), uri => Assert.Equal("127.0.0.1", uri.Host));
            // One DynamoDB for both regions stands in for global tables; Kinesis and S3 are per region.
            Assert.Equal(endpoints[0].DynamoDbEndpoint, endpoints[1].DynamoDbEndpoint);
            Assert.NotEqual(endpoints[0].KinesisEndpoint, endpoints[1].KinesisEndpoint);
            processIds = cloud.ProcessIds;
            Assert.Equal(5, processIds.Count);
            Assert.All(processIds, id => Assert.True(IsRunning(id)));
            Assert.Equal(5, Directory.GetFiles(cloud.RunDirectory, "*.log").Length);
        }
        finally
        {
            await cloud.DisposeAsync();
        }

        Assert.All(processIds, id => Assert.False(IsRunning(id), $"emulator process {id} still runs after dispose"));
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
