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
    /// <summary><c>make -n</c> plans a target without running it: every function the template deploys (the relay once per target region) must have one.</summary>
    [Fact]
    public async Task Every_function_in_the_template_has_a_make_target()
    {
        var functions = CloudFormationTemplate.Load("template.yaml", TemplateTests.TwoTargets).ResourcesOfType("AWS::Serverless::Function").Select(f => f.LogicalId).ToArray();
        Assert.Contains("RelayToeuwest1", functions);
        foreach (var function in functions)
        {
            var (exitCode, output) = await MakeAsync([$"build-{function}", "-n", "ARTIFACTS_DIR=/tmp/plan"]);
            Assert.True(exitCode == 0 && output.Contains("dotnet publish", StringComparison.Ordinal), $"make has no build-{function} target (sam build calls it): {output}");
        }
    }

    [Fact]
    [Trait("Category", "NativeAot")]
    public async Task Make_builds_the_bootstrap_the_way_sam_build_does()
    {
        var artifacts = Path.Combine(Path.GetTempPath(), $"replicator-sam-build-{Guid.NewGuid():N}");
        try
        {
            var (exitCode, output) = await MakeAsync(["build-RelayTouseast2", $"ARTIFACTS_DIR={artifacts}"]);

            Assert.True(exitCode == 0, output);
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

    private static async Task<(int ExitCode, string Output)> MakeAsync(string[] arguments)
    {
        var make = new ProcessStartInfo("make", arguments)
        {
            WorkingDirectory = RepositoryLayout.Root(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(make)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }
}
