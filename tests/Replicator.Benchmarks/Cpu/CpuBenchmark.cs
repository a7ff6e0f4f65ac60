using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Replicator.Benchmarks.Cpu;

/// <summary>Runs <see cref="EventToRequestBenchmarks"/> and reduces BenchmarkDotNet's summary to its figures.</summary>
public static class CpuBenchmark
{
    public static int Run(bool quick)
    {
        var job = quick ? Job.ShortRun : Job.MediumRun;
        var summary = BenchmarkRunner.Run<EventToRequestBenchmarks>(DefaultConfig.Instance.AddJob(job.WithId(quick ? "quick" : "medium")));
        BenchmarkReport Report(string method) =>
            summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method);
        double RecordsPerSecond(string method) => Math.Round(EventToRequestBenchmarks.Records / (Report(method).ResultStatistics!.Mean / 1e9));
        var relay = Report(nameof(EventToRequestBenchmarks.Relay));
        var allocated = relay.GcStats.GetBytesAllocatedPerOperation(relay.BenchmarkCase) ?? 0;
        var figures = new CpuFigures(
            RecordsPerSecond(nameof(EventToRequestBenchmarks.Relay)),
            Math.Round(allocated / (double)(EventToRequestBenchmarks.Records * EventToRequestBenchmarks.PayloadBytes), 2),
            RecordsPerSecond(nameof(EventToRequestBenchmarks.Bodies)),
            RecordsPerSecond(nameof(EventToRequestBenchmarks.SigningFloor)),
            RecordsPerSecond(nameof(EventToRequestBenchmarks.PerRecord)));
        Console.Out.WriteLine(JsonSerializer.Serialize(figures, CpuFiguresJsonContext.Default.CpuFigures));
        return 0;
    }
}

public sealed record CpuFigures(
    [property: JsonPropertyName("records_per_s_per_core")] double RecordsPerSecondPerCore,
    [property: JsonPropertyName("alloc_bytes_per_payload_byte")] double AllocatedBytesPerPayloadByte,
    [property: JsonPropertyName("records_per_s_per_core_unsigned")] double UnsignedRecordsPerSecondPerCore,
    [property: JsonPropertyName("signing_floor_records_per_s_per_core")] double SigningFloorRecordsPerSecondPerCore,
    [property: JsonPropertyName("baseline_records_per_s_per_core")] double BaselineRecordsPerSecondPerCore);

[JsonSerializable(typeof(CpuFigures))]
internal sealed partial class CpuFiguresJsonContext : JsonSerializerContext;
