using System.Diagnostics;

namespace Replicator.LocalCloud.Emulators;

/// <summary>
/// Finds Node.js and the project's <c>local/</c> folder, and installs the pinned emulators there with
/// <c>npm ci</c> the first time they are needed (guarded by a file lock, so parallel test processes
/// install once).
/// </summary>
public static class NodeTooling
{
    public const int MinimumNodeMajorVersion = 20;

    /// <summary>Overrides where <c>local/package.json</c> is looked for.</summary>
    public const string LocalDirectoryVariable = "REPLICATOR_LOCAL_DIR";

    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public static string LocalDirectory()
    {
        var overridden = Environment.GetEnvironmentVariable(LocalDirectoryVariable);
        if (!string.IsNullOrEmpty(overridden))
        {
            return File.Exists(Path.Combine(overridden, "package.json"))
                ? overridden
                : throw new LocalCloudException($"{LocalDirectoryVariable} is '{overridden}', which has no package.json.");
        }

        try
        {
            return Path.Combine(RepositoryLayout.Root(), "local");
        }
        catch (DirectoryNotFoundException e)
        {
            throw new LocalCloudException($"{e.Message} Or set {LocalDirectoryVariable} to the project's local/ folder.", e);
        }
    }

    /// <summary>Checks that Node.js is new enough, and installs the emulators if they are not installed yet.</summary>
    public static async Task EnsureEmulatorsInstalledAsync(string localDirectory, CancellationToken cancellationToken)
    {
        await CheckNodeVersionAsync(cancellationToken).ConfigureAwait(false);
        var installedMarker = Path.Combine(localDirectory, "node_modules", ".package-lock.json");
        var lockFile = Path.Combine(localDirectory, "package-lock.json");
        if (IsInstalled())
        {
            return;
        }

        await InstallGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var crossProcessLock = await AcquireFileLockAsync(Path.Combine(localDirectory, ".npm-install.lock"), cancellationToken).ConfigureAwait(false);
            if (IsInstalled())
            {
                return;
            }

            var (exitCode, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], localDirectory, cancellationToken).ConfigureAwait(false);
            if (exitCode != 0)
            {
                throw new LocalCloudException($"'npm ci' in {localDirectory} failed with exit code {exitCode}:\n{output}");
            }
        }
        finally
        {
            InstallGate.Release();
        }

        bool IsInstalled() => File.Exists(installedMarker) && File.GetLastWriteTimeUtc(installedMarker) >= File.GetLastWriteTimeUtc(lockFile);
    }

    private static async Task CheckNodeVersionAsync(CancellationToken cancellationToken)
    {
        const string install = "Install Node.js 20 or newer (https://nodejs.org, or your package manager) and make sure 'node' and 'npm' are on PATH.";
        string version;
        try
        {
            var (exitCode, output) = await RunAsync("node", ["--version"], Environment.CurrentDirectory, cancellationToken).ConfigureAwait(false);
            version = exitCode == 0 ? output.Trim() : throw new LocalCloudException($"'node --version' failed: {output}. {install}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LocalCloudException($"Node.js was not found on PATH; the local cloud runs its API emulators with it. {install}", e);
        }

        var major = version.TrimStart('v').Split('.')[0];
        if (!int.TryParse(major, out var majorVersion) || majorVersion < MinimumNodeMajorVersion)
        {
            throw new LocalCloudException($"Node.js {version} is too old for the local cloud's emulators. {install}");
        }
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(startInfo) ?? throw new LocalCloudException($"Could not start '{fileName}'.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }
}
