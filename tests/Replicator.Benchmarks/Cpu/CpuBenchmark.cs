using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.NativeAot;

namespace Replicator.Benchmarks.Cpu;

/// <summary>Runs <see cref="EventToRequestBenchmarks"/> and reduces BenchmarkDotNet's summary to its figures.</summary>
public static class CpuBenchmark
{
    /// <param name="nativeAot">Also run every benchmark compiled Native AOT, as the Lambda bootstrap runs, beside the JIT run.</param>
    public static int Run(bool quick, bool nativeAot)
    {
        var job = (quick ? Job.ShortRun : Job.MediumRun).WithId(quick ? "quick" : "medium");
        var config = ManualConfig.Create(DefaultConfig.Instance).AddJob(job);
        if (nativeAot)
        {
            // BenchmarkDotNet adds a dnceng feed for the ILCompiler package unless given one: the local
            // packages folder instead, beside the machine's own sources (publishing the bootstrap put the
            // package there). The benchmarks reference the self-contained Lambda bootstrap, which a build of
            // another self-contained executable may not without this switch (NETSDK1151); compiling
            // everything native takes several minutes, beyond BenchmarkDotNet's 5.
            var localPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            var toolchain = NativeAotToolchain.CreateBuilder().UseNuGet("", localPackages).TargetFrameworkMoniker("net10.0").ToToolchain();
            config = config
                .AddJob(job.WithToolchain(toolchain).WithArguments([new MsBuildArgument("/p:ValidateExecutableReferencesMatchSelfContained=false")]).WithId("native-aot"))
                .WithBuildTimeout(TimeSpan.FromMinutes(20));
        }

        var summary = BenchmarkRunner.Run<EventToRequestBenchmarks>(config);
        BenchmarkReport Report(string method, bool aot = false) =>
            summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method && r.BenchmarkCase.Job.Infrastructure.Toolchain is NativeAotToolchain == aot);
        double RecordsPerSecond(BenchmarkReport report) => Math.Round(EventToRequestBenchmarks.Records / (report.ResultStatistics!.Mean / 1e9));
        var relay = Report(nameof(EventToRequestBenchmarks.Relay));
        var allocated = relay.GcStats.GetBytesAllocatedPerOperation(relay.BenchmarkCase) ?? 0;
        var figures = new CpuFigures(
            RecordsPerSecond(relay),
            Math.Round(allocated / (double)(EventToRequestBenchmarks.Records * EventToRequestBenchmarks.PayloadBytes), 2),
            RecordsPerSecond(Report(nameof(EventToRequestBenchmarks.Bodies))),
            RecordsPerSecond(Report(nameof(EventToRequestBenchmarks.SigningFloor))),
            RecordsPerSecond(Report(nameof(EventToRequestBenchmarks.PerRecord))),
            nativeAot ? RecordsPerSecond(Report(nameof(EventToRequestBenchmarks.Relay), aot: true)) : null,
            nativeAot ? RecordsPerSecond(Report(nameof(EventToRequestBenchmarks.SigningFloor), aot: true)) : null);
        Console.Out.WriteLine(JsonSerializer.Serialize(figures, CpuFiguresJsonContext.Default.CpuFigures));
        return 0;
    }
}

public sealed record CpuFigures(
    [property: JsonPropertyName("records_per_s_per_core")] double RecordsPerSecondPerCore,
    [property: JsonPropertyName("alloc_bytes_per_payload_byte")] double AllocatedBytesPerPayloadByte,
    [property: JsonPropertyName("records_per_s_per_core_unsigned")] double UnsignedRecordsPerSecondPerCore,
    [property: JsonPropertyName("signing_floor_records_per_s_per_core")] double SigningFloorRecordsPerSecondPerCore,
    [property: JsonPropertyName("baseline_records_per_s_per_core")] double BaselineRecordsPerSecondPerCore,
    [property: JsonPropertyName("records_per_s_per_core_native_aot"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? NativeAotRecordsPerSecondPerCore,
    [property: JsonPropertyName("signing_floor_records_per_s_per_core_native_aot"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? NativeAotSigningFloorRecordsPerSecondPerCore);

[JsonSerializable(typeof(CpuFigures))]
internal sealed partial class CpuFiguresJsonContext : JsonSerializerContext;
