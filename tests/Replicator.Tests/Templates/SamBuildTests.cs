using System.Diagnostics;
using Replicator.LocalCloud;
using Replicator.Tests.LocalCloud;

namespace Replicator.Tests.Templates;

/// <summary>
/// What <c>sam build</c> does for a function with BuildMethod makefile. In the local-cloud collection
/// so it never publishes the bootstrap at the same time as the AOT fixture: both write the same obj/ folder.
/// </summary>
[Collection(LocalCloudCollection.Name)]
public sealed class SamBuildTests
{
    [Fact]
    [Trait("Category", "NativeAot")]
    public async Task Make_builds_the_bootstrap_the_way_sam_build_does()
    {
        var artifacts = Path.Combine(Path.GetTempPath(), $"replicator-sam-build-{Guid.NewGuid():N}");
        try
        {
            var make = new ProcessStartInfo("make", ["build-RelayFunction", $"ARTIFACTS_DIR={artifacts}"])
            {
                WorkingDirectory = RepositoryLayout.Root(),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(make)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();

            Assert.True(process.ExitCode == 0, await output + await errors);
            var bootstrap = new FileInfo(Path.Combine(artifacts, "bootstrap"));
            Assert.True(bootstrap.Exists);
            Assert.True(bootstrap.UnixFileMode.HasFlag(UnixFileMode.UserExecute));
        }
        finally
        {
            if (Directory.Exists(artifacts))
            {
                Directory.Delete(artifacts, recursive: true);
            }
        }
    }
}
