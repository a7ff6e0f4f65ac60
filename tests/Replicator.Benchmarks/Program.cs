using Replicator.Benchmarks.Build;
using Replicator.Benchmarks.CatalogSync;
using Replicator.Benchmarks.Checkpoints;
using Replicator.Benchmarks.ColdStart;
using Replicator.Benchmarks.Cpu;
using Replicator.Benchmarks.RelayThroughput;
using Replicator.Benchmarks.Replay;

// Usage: dotnet run -c Release --project tests/Replicator.Benchmarks -- coldstart|relay|cpu|catalog|replay|build|checkpoint [--quick]
// cpu also takes --native-aot: the same benchmarks compiled Native AOT beside the JIT run (several minutes to build).
// Each benchmark prints a table against its baseline and ends with one JSON line of figures.
if (Console.IsOutputRedirected)
{
    // Keep tables readable when the output goes to a results file.
    Spectre.Console.AnsiConsole.Profile.Width = 160;
}

return args switch
{
    ["coldstart", .. var rest] => await ColdStartBenchmark.RunAsync(quick: rest.Contains("--quick")),
    ["relay", .. var rest] => await RelayBenchmark.RunAsync(quick: rest.Contains("--quick")),
    ["cpu", .. var rest] => CpuBenchmark.Run(quick: rest.Contains("--quick"), nativeAot: rest.Contains("--native-aot")),
    ["catalog", .. var rest] => await CatalogBenchmark.RunAsync(quick: rest.Contains("--quick")),
    ["replay", .. var rest] => await ReplayBenchmark.RunAsync(quick: rest.Contains("--quick")),
    ["build", .. var rest] => await BuildBenchmark.RunAsync(quick: rest.Contains("--quick")),
    ["checkpoint", .. var rest] => await CheckpointBenchmark.RunAsync(quick: rest.Contains("--quick")),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Replicator.Benchmarks coldstart|relay|cpu|catalog|replay|build|checkpoint [--quick]");
    return 2;
}
