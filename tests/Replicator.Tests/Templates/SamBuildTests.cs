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
    /// <summary>
    /// <c>make -n</c> plans a target without running it: every function the template deploys (the relay once per target
    /// region) must have one that, from a clean stamp, publishes the bootstrap and copies it into ARTIFACTS_DIR.
    /// </summary>
    [Fact]
    public async Task Every_function_in_the_template_has_a_make_target()
    {
        var functions = CloudFormationTemplate.Load("template.yaml", TemplateTests.TwoTargets).ResourcesOfType("AWS::Serverless::Function").Select(f => f.LogicalId).ToArray();
        Assert.Contains("RelayToeuwest1", functions);
        var build = NewTemporaryDirectory("plan");
        try
        {
            foreach (var function in functions)
            {
                var (exitCode, output) = await MakeAsync([$"build-{function}", "-n", "ARTIFACTS_DIR=/tmp/plan", $"BOOTSTRAP_BUILD_DIR={build}"]);
                var lines = output.Split('\n');
                Assert.True(
                    exitCode == 0 && lines.Any(line => line.StartsWith("dotnet publish ", StringComparison.Ordinal)) && lines.Any(line => line.StartsWith("cp ", StringComparison.Ordinal) && line.Contains("\"/tmp/plan\"/", StringComparison.Ordinal)),
                    $"make has no build-{function} target that publishes the bootstrap into ARTIFACTS_DIR (sam build calls it): {output}");
            }
        }
        finally
        {
            Directory.Delete(build, recursive: true);
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

    /// <summary>
    /// SAM's parallel build starts one make per function at once, each in a scratch directory of its own with
    /// <c>--makefile</c> pointing at the repository: one of them publishes, the others wait for it and copy the same
    /// bytes. A second build of an unchanged tree publishes nothing.
    /// </summary>
    [Fact]
    [Trait("Category", "NativeAot")]
    public async Task Functions_built_at_once_share_one_publish_and_an_unchanged_tree_publishes_none()
    {
        string[] functions = ["RelayTouseast2", "LagMonitorFunction", "ReplayLaneFunction", "ArchiveTransformFunction"];
        var directory = NewTemporaryDirectory("parallel");
        var build = Path.Combine(directory, "bootstrap");
        try
        {
            var first = await BuildAtOnceAsync(functions, directory, build, "first");
            var stamp = File.GetLastWriteTimeUtc(Path.Combine(build, "stamp"));
            var second = await BuildAtOnceAsync(functions, directory, build, "second");

            Assert.Equal(1, first.Publishes);
            Assert.Equal(0, second.Publishes);
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(build, "stamp")));
            var bootstraps = first.Artifacts.Concat(second.Artifacts).Select(artifacts =>
            {
                Assert.Equal(["bootstrap"], Directory.GetFiles(artifacts).Select(Path.GetFileName));
                var bootstrap = new FileInfo(Path.Combine(artifacts, "bootstrap"));
                Assert.True(bootstrap.UnixFileMode.HasFlag(UnixFileMode.UserExecute), $"{bootstrap} is not executable");
                return File.ReadAllBytes(bootstrap.FullName);
            }).ToArray();
            Assert.All(bootstraps, bytes => Assert.True(bytes.AsSpan().SequenceEqual(bootstraps[0]), "the functions' bootstraps differ"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>One make per function, all started at once, as <c>sam build</c> with <c>parallel = true</c> runs them.</summary>
    private static async Task<(int Publishes, string[] Artifacts)> BuildAtOnceAsync(string[] functions, string directory, string build, string round)
    {
        var makefile = Path.Combine(RepositoryLayout.Root(), "Makefile");
        var artifacts = functions.Select(function => Path.Combine(directory, round, "artifacts", function)).ToArray();
        var makes = await Task.WhenAll(functions.Select((function, i) =>
        {
            var scratch = Directory.CreateDirectory(Path.Combine(directory, round, "scratch", function)).FullName;
            return MakeAsync(["--makefile", makefile, $"build-{function}", $"BOOTSTRAP_BUILD_DIR={build}"], scratch, new() { ["ARTIFACTS_DIR"] = artifacts[i] });
        }));

        Assert.All(makes, make => Assert.True(make.ExitCode == 0, make.Output));
        var publishes = makes.Sum(make => make.Output.Split('\n').Count(line => line.StartsWith("dotnet publish ", StringComparison.Ordinal)));
        return (publishes, artifacts);
    }

    private static string NewTemporaryDirectory(string purpose) =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"replicator-sam-build-{purpose}-{Guid.NewGuid():N}")).FullName;

    private static async Task<(int ExitCode, string Output)> MakeAsync(string[] arguments, string? workingDirectory = null, Dictionary<string, string>? environment = null)
    {
        var make = new ProcessStartInfo("make", arguments)
        {
            WorkingDirectory = workingDirectory ?? RepositoryLayout.Root(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? [])
        {
            make.Environment[name] = value;
        }

        using var process = Process.Start(make)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }
}
