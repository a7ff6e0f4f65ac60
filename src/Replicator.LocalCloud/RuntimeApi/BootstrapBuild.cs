using System.Diagnostics;

namespace Replicator.LocalCloud.RuntimeApi;

/// <summary>Publishes the Lambda <c>bootstrap</c> for linux-x64, Native AOT as it ships, or JIT for comparison.</summary>
public static class BootstrapBuild
{
    /// <returns>The bootstrap's path and the publish's warning lines (trim and AOT analysis included).</returns>
    public static async Task<(string Bootstrap, IReadOnlyList<string> Warnings)> PublishAsync(string outputDirectory, bool nativeAot, CancellationToken cancellationToken)
    {
        var project = Path.Combine(RepositoryLayout.Root(), "src", "Replicator.Lambda", "Replicator.Lambda.csproj");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] arguments = ["publish", project, "-c", "Release", "-r", "linux-x64", "-o", outputDirectory, "-nologo", "-clp:NoSummary"];
        arguments = nativeAot
            ? [.. arguments, "-p:PublishAot=true"]
            : [.. arguments, "-p:PublishAot=false", "--self-contained", "false", "-p:TieredCompilation=true"];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start 'dotnet publish'.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var output = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'dotnet {string.Join(' ', arguments)}' failed with exit code {process.ExitCode}:\n{output}");
        }

        var warnings = output.Split('\n').Where(line => line.Contains(": warning ", StringComparison.Ordinal)).Distinct().ToArray();
        return (Path.Combine(outputDirectory, "bootstrap"), warnings);
    }

    /// <summary>Starts a published bootstrap as Lambda would, with the given environment and nothing else inherited but PATH and HOME.</summary>
    public static Process Start(string bootstrap, IReadOnlyDictionary<string, string> environment)
    {
        var startInfo = new ProcessStartInfo(bootstrap)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(bootstrap)!,
        };
        startInfo.Environment.Clear();
        foreach (var name in new[] { "PATH", "HOME", "DOTNET_ROOT" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                startInfo.Environment[name] = value;
            }
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        return Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {bootstrap}.");
    }
}
