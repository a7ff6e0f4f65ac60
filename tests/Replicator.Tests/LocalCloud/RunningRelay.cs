using Replicator.Lambda;
using Replicator.LocalCloud.EventSourceMapping;
using Replicator.Relay;
using Replicator.Tests.Fakes;

namespace Replicator.Tests.LocalCloud;

/// <summary>A relay function polling a source stream through the local event source mapping, until disposed.</summary>
internal sealed class RunningRelay : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly LocalEventSourceMapping _mapping;

    public RunningRelay(LocalCloudFixture fixture, string stream, IReadOnlyDictionary<string, string> environment, TextWriter log)
    {
        var source = fixture.Cloud.CreateKinesisClient(environment[RelayEnvironment.SourceRegion]);
        LambdaHandler relay = RelayFactory.Create(environment, metricsOutput: log).HandleAsync;
        _mapping = new LocalEventSourceMapping(
            source,
            stream,
            relay,
            (_, _) => TestContexts.Create(log),
            new EventSourceMappingOptions { BatchSize = 100, FunctionTimeout = TimeSpan.FromSeconds(10) });
        _mapping.Invoked += result => FailedInvocations += result.Error is null ? 0 : 1;
        _running = _mapping.RunAsync(_stop.Token);
    }

    public long Acknowledged => _mapping.RecordsAcknowledged;

    public int FailedInvocations { get; private set; }

    public async Task WaitUntilAcknowledgedAsync(long records, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (Acknowledged < records)
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }
}
