using Replicator.LocalCloud.RuntimeApi;

namespace Replicator.Tests.Lambda;

/// <summary>Publishes the Native AOT bootstrap once for the tests that run it.</summary>
public sealed class PublishedBootstrapFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"replicator-bootstrap-{Guid.NewGuid():N}");

    public string Bootstrap { get; private set; } = string.Empty;

    public IReadOnlyList<string> Warnings { get; private set; } = [];

    public async Task InitializeAsync() =>
        (Bootstrap, Warnings) = await BootstrapBuild.PublishAsync(_directory, nativeAot: true, CancellationToken.None);

    public Task DisposeAsync()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }
}
