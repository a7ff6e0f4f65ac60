using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Replicator.LocalCloud.Emulators;

/// <summary>
/// One emulator process started through <c>local/serve.js</c> on 127.0.0.1 and an OS-chosen port. Its
/// output goes to a log file; disposing it kills the process tree. Processes still running when the
/// host process exits (a test run aborted half way) are killed too.
/// </summary>
public sealed class EmulatorProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;

    static EmulatorProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Running.Values)
        {
            KillQuietly(process);
        }
    };

    private EmulatorProcess(string name, Process process, StreamWriter log, Uri endpoint, Task stdoutPump, Task stderrPump)
    {
        Name = name;
        _process = process;
        _log = log;
        Endpoint = endpoint;
        _stdoutPump = stdoutPump;
        _stderrPump = stderrPump;
    }

    public string Name { get; }

    public Uri Endpoint { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public static async Task<EmulatorProcess> StartAsync(
        string localDirectory, string name, string service, string logDirectory, string? dataDirectory, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = localDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (service == "s3")
        {
            // s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider.
            startInfo.ArgumentList.Add("--openssl-legacy-provider");
        }

        startInfo.ArgumentList.Add(Path.Combine(localDirectory, "serve.js"));
        startInfo.ArgumentList.Add(service);
        startInfo.ArgumentList.Add("0");
        if (dataDirectory is not null)
        {
            startInfo.ArgumentList.Add(dataDirectory);
        }

        var logPath = Path.Combine(logDirectory, $"{name}.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(startInfo) ?? throw new LocalCloudException($"Could not start node for the {name} emulator.");
        Running[process.Id] = process;
        var announced = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stdoutPump = PumpAsync(process.StandardOutput, log, line =>
        {
            if (!announced.Task.IsCompleted && TryReadPort(line, out var port))
            {
                announced.TrySetResult(port);
            }
        });
        var stderrPump = PumpAsync(process.StandardError, log, _ => { });
        _ = process.WaitForExitAsync(CancellationToken.None).ContinueWith(
            _ => announced.TrySetException(new LocalCloudException($"The {name} emulator exited with code {process.ExitCode} before it was ready; see {logPath}.")),
            TaskScheduler.Default);

        try
        {
            var port = await announced.Task.WaitAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
            return new EmulatorProcess(name, process, log, new Uri($"http://127.0.0.1:{port}"), stdoutPump, stderrPump);
        }
        catch (Exception e)
        {
            await StopAsync(process, log, stdoutPump, stderrPump).ConfigureAwait(false);
            throw e is TimeoutException ? new LocalCloudException($"The {name} emulator did not start within {StartTimeout.TotalSeconds} s; see {logPath}.", e) : e;
        }
    }

    public ValueTask DisposeAsync() => StopAsync(_process, _log, _stdoutPump, _stderrPump);

    private static async ValueTask StopAsync(Process process, StreamWriter log, Task stdoutPump, Task stderrPump)
    {
        KillQuietly(process);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        // The pumps end once the killed process's pipes close; only then may the log close under them.
        await Task.WhenAll(stdoutPump, stderrPump).ConfigureAwait(false);
        Running.TryRemove(process.Id, out _);
        process.Dispose();
        await log.DisposeAsync().ConfigureAwait(false);
    }

    private static bool TryReadPort(string line, out int port)
    {
        port = 0;
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.TryGetProperty("port", out var value) && value.TryGetInt32(out port);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task PumpAsync(StreamReader reader, StreamWriter log, Action<string> onLine)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            onLine(line);
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited: nothing to stop.
        }
    }
}
