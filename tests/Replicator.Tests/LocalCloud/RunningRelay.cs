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
    private int _failedInvocations;

    public RunningRelay(LocalCloudFixture fixture, string stream, IReadOnlyDictionary<string, string> environment, TextWriter log, EventSourceMappingOptions? options = null)
    {
        var source = fixture.Cloud.CreateKinesisClient(environment[RelayEnvironment.SourceRegion]);
        _mapping = new LocalEventSourceMapping(
            source,
            stream,
            () => FunctionInstance.Start(environment, isolated => RelayFactory.Create(isolated, metricsOutput: log).HandleAsync),
            (_, _) => TestContexts.Create(log),
            options ?? new EventSourceMappingOptions { BatchSize = 100, FunctionTimeout = TimeSpan.FromSeconds(10) });
        _mapping.Invoked += result =>
        {
            if (result.Error is not null)
            {
                Interlocked.Increment(ref _failedInvocations);
            }
        };
        _running = _mapping.RunAsync(_stop.Token);
    }

    public long Acknowledged => _mapping.RecordsAcknowledged;

    public int FailedInvocations => Volatile.Read(ref _failedInvocations);

    public async Task WaitUntilAcknowledgedAsync(long records, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (Acknowledged < records)
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>Waits for a failed invocation: with retries inside the client, the first one takes a while to give up.</summary>
    public async Task WaitUntilFailedAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (FailedInvocations == 0)
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
