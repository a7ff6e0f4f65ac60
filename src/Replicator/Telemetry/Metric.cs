namespace Replicator.Telemetry;

/// <summary>One metric of an EMF line: a name from <see cref="MetricNames"/>, a CloudWatch unit, and up to 100 values.</summary>
public sealed record Metric(string Name, string Unit, IReadOnlyList<double> Values)
{
    public const string Count = "Count";
    public const string Bytes = "Bytes";
    public const string Milliseconds = "Milliseconds";
    public const string Seconds = "Seconds";

    public Metric(string name, string unit, double value)
        : this(name, unit, [value])
    {
    }
}
