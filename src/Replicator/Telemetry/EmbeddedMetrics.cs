using System.Text;
using System.Text.Json;

namespace Replicator.Telemetry;

/// <summary>
/// Writes CloudWatch Embedded Metric Format lines to the function's output: CloudWatch Logs turns
/// them into metrics, so no CloudWatch client (or its latency) sits in the hot path.
/// </summary>
public sealed class EmbeddedMetrics(TextWriter output, TimeProvider clock)
{
    /// <summary>EMF accepts at most 100 values per metric in one line.</summary>
    public const int MaxValuesPerMetric = 100;

    /// <summary>One line: the metrics (those with values) under one set of dimensions, tagged with the request id.</summary>
    public void Write(IReadOnlyList<(string Name, string Value)> dimensions, IReadOnlyList<Metric> metrics, string requestId)
    {
        metrics = metrics.Where(m => m.Values.Count > 0).ToArray();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", clock.GetUtcNow().ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", MetricNames.Namespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            foreach (var (name, _) in dimensions)
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var metric in metrics)
            {
                json.WriteStartObject();
                json.WriteString("Name", metric.Name);
                json.WriteString("Unit", metric.Unit);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();

            foreach (var (name, value) in dimensions)
            {
                json.WriteString(name, value);
            }

            foreach (var metric in metrics)
            {
                WriteValues(json, metric);
            }

            json.WriteString("requestId", requestId);
            json.WriteEndObject();
        }

        var line = Encoding.UTF8.GetString(buffer.ToArray());
        lock (output)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    private static void WriteValues(Utf8JsonWriter json, Metric metric)
    {
        if (metric.Values.Count == 1)
        {
            json.WriteNumber(metric.Name, metric.Values[0]);
            return;
        }

        json.WriteStartArray(metric.Name);
        foreach (var value in metric.Values.Take(MaxValuesPerMetric))
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }
}
