using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Replicator.Benchmarks.Cpu;

/// <summary>Runs <see cref="EventToRequestBenchmarks"/> and reduces BenchmarkDotNet's summary to the two figures.</summary>
public static class CpuBenchmark
{
    public static int Run(bool quick)
    {
        var job = quick ? Job.ShortRun : Job.MediumRun;
        var summary = BenchmarkRunner.Run<EventToRequestBenchmarks>(DefaultConfig.Instance.AddJob(job.WithId(quick ? "quick" : "medium")));
        var relay = summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(EventToRequestBenchmarks.Relay));
        var meanSeconds = relay.ResultStatistics!.Mean / 1e9;
        var allocated = relay.GcStats.GetBytesAllocatedPerOperation(relay.BenchmarkCase) ?? 0;
        var figures = new CpuFigures(
            Math.Round(EventToRequestBenchmarks.Records / meanSeconds),
            Math.Round(allocated / (double)(EventToRequestBenchmarks.Records * EventToRequestBenchmarks.PayloadBytes), 2));
        Console.Out.WriteLine(JsonSerializer.Serialize(figures, CpuFiguresJsonContext.Default.CpuFigures));
        return 0;
    }
}

public sealed record CpuFigures(
    [property: JsonPropertyName("records_per_s_per_core")] double RecordsPerSecondPerCore,
    [property: JsonPropertyName("alloc_bytes_per_payload_byte")] double AllocatedBytesPerPayloadByte);

[JsonSerializable(typeof(CpuFigures))]
internal sealed partial class CpuFiguresJsonContext : JsonSerializerContext;
