using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Replicator.Lambda.Runtime;
using Replicator.LocalCloud.RuntimeApi;
using Replicator.Relay;
using Spectre.Console;

namespace Replicator.Benchmarks.ColdStart;

/// <summary>
/// Cold start of the relay's bootstrap, Native AOT (as shipped) against JIT (the baseline), side by
/// side: process start to the first <c>/invocation/next</c> request, which is when Lambda's init phase
/// ends. Runs alternate between the two builds so machine noise hits both alike.
/// </summary>
public static class ColdStartBenchmark
{
    public static async Task<int> RunAsync(bool quick)
    {
        var runs = quick ? 5 : 21;
        var directory = Path.Combine(Path.GetTempPath(), $"replicator-coldstart-{Guid.NewGuid():N}");
        try
        {
            AnsiConsole.MarkupLine("Publishing the bootstrap: Native AOT, then JIT (framework-dependent) …");
            var (aot, _) = await BootstrapBuild.PublishAsync(Path.Combine(directory, "aot"), nativeAot: true, CancellationToken.None);
            var (jit, _) = await BootstrapBuild.PublishAsync(Path.Combine(directory, "jit"), nativeAot: false, CancellationToken.None);

            // One discarded start each, so neither build pays for a cold file cache.
            await MeasureOnceAsync(aot);
            await MeasureOnceAsync(jit);
            var aotTimes = new List<double>();
            var jitTimes = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                aotTimes.Add(await MeasureOnceAsync(aot));
                jitTimes.Add(await MeasureOnceAsync(jit));
            }

            var aotMedian = Median(aotTimes);
            var jitMedian = Median(jitTimes);
            var table = new Table().AddColumns("build", "runs", "median ms", "min ms", "max ms", "ratio to AOT");
            table.AddRow("Native AOT", runs.ToString(), $"{aotMedian:F1}", $"{aotTimes.Min():F1}", $"{aotTimes.Max():F1}", "1.00");
            table.AddRow("JIT (baseline)", runs.ToString(), $"{jitMedian:F1}", $"{jitTimes.Min():F1}", $"{jitTimes.Max():F1}", $"{jitMedian / aotMedian:F2}");
            AnsiConsole.Write(table);

            Console.Out.WriteLine(JsonSerializer.Serialize(new ColdStartFigures(Math.Round(aotMedian, 1), Math.Round(jitMedian, 1), Math.Round(jitMedian / aotMedian, 2)), FiguresJsonContext.Default.ColdStartFigures));
            return 0;
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Milliseconds from starting the process to its first request for an event.</summary>
    private static async Task<double> MeasureOnceAsync(string bootstrap)
    {
        await using var runtimeApi = LocalRuntimeApi.Start();
        var started = Stopwatch.GetTimestamp();
        using var process = BootstrapBuild.Start(bootstrap, RelayEnvironment(runtimeApi.Address));
        try
        {
            var firstNext = await runtimeApi.FirstNextRequest.WaitAsync(TimeSpan.FromSeconds(30));
            return Stopwatch.GetElapsedTime(started, firstNext).TotalMilliseconds;
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>A complete relay configuration, so init does all its real work; no request leaves the machine before the first event.</summary>
    private static Dictionary<string, string> RelayEnvironment(string runtimeApi) => new()
    {
        [LambdaRuntime.HandlerVariable] = "relay",
        [LambdaRuntime.RuntimeApiVariable] = runtimeApi,
        [Relay.RelayEnvironment.SourceRegion] = "us-east-1",
        [Relay.RelayEnvironment.TargetRegion] = "us-east-2",
        [Relay.RelayEnvironment.ConfigTable] = "kdsActiveRegionConfig",
        [Relay.RelayEnvironment.CheckpointTable] = "kdsReplicationCheckpoint",
        [Relay.RelayEnvironment.PositionsTable] = "kdsReplicationPositions",
        [Relay.RelayEnvironment.TargetKinesisEndpoint] = "http://127.0.0.1:9",
        [Relay.RelayEnvironment.DynamoDbEndpoint] = "http://127.0.0.1:9",
        ["AWS_ACCESS_KEY_ID"] = "local",
        ["AWS_SECRET_ACCESS_KEY"] = "local",
        // A framework-dependent apphost finds the runtime here when dotnet is not in a default location.
        ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
    };

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
