using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Replicator.Tests.Templates;

/// <summary>
/// Evaluates a template's alarms against metric series the way CloudWatch does (CloudWatch user guide,
/// "Using Amazon CloudWatch alarms": an alarm looks at its last EvaluationPeriods periods and goes to
/// ALARM when DatapointsToAlarm of them breach; TreatMissingData says whether a period without data
/// breaches, does not, is ignored, or (missing, the default) leaves the alarm INSUFFICIENT_DATA when
/// every period is empty; a composite alarm's rule reads its children's states).
/// </summary>
/// <param name="concrete">Resolves dimension values as a stack in its region would (bucket names, functions); without it, parameters and pseudo parameters only.</param>
public sealed partial class AlarmEvaluator(CloudFormationTemplate template, IReadOnlyDictionary<string, string> parameters, ConcreteTemplate? concrete = null)
{
    public enum State
    {
        Ok,
        Alarm,
        InsufficientData,
    }

    /// <summary>Metric series: one list of values per period (the newest last; an empty list is a period without data).</summary>
    public sealed class MetricSeries
    {
        private readonly Dictionary<string, List<List<double>>> _series = new(StringComparer.Ordinal);

        public int Periods { get; private set; }

        public void Add(string ns, string name, IEnumerable<(string Name, string Value)> dimensions, int period, double value)
        {
            Periods = Math.Max(Periods, period + 1);
            var series = _series.TryGetValue(Key(ns, name, dimensions), out var found) ? found : _series[Key(ns, name, dimensions)] = [];
            while (series.Count <= period)
            {
                series.Add([]);
            }

            series[period].Add(value);
        }

        /// <summary>CloudWatch Embedded Metric Format lines, as CloudWatch Logs turns them into metrics, all in one period.</summary>
        public void AddEmbeddedMetrics(string lines, int period)
        {
            foreach (var line in lines.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var root = JsonNode.Parse(line)!;
                foreach (var directive in root["_aws"]!["CloudWatchMetrics"]!.AsArray())
                {
                    foreach (var dimensionSet in directive!["Dimensions"]!.AsArray())
                    {
                        var dimensions = dimensionSet!.AsArray().Select(d => (d!.ToString(), root[d.ToString()]!.ToString())).ToArray();
                        foreach (var metric in directive["Metrics"]!.AsArray())
                        {
                            var name = metric!["Name"]!.ToString();
                            var values = root[name] is JsonArray many ? many.Select(v => v!.GetValue<double>()) : [root[name]!.GetValue<double>()];
                            foreach (var value in values)
                            {
                                Add(directive["Namespace"]!.ToString(), name, dimensions, period, value);
                            }
                        }
                    }
                }
            }
        }

        public IReadOnlyList<List<double>> Of(string ns, string name, IEnumerable<(string Name, string Value)> dimensions) =>
            _series.TryGetValue(Key(ns, name, dimensions), out var series) ? series : [];

        private static string Key(string ns, string name, IEnumerable<(string Name, string Value)> dimensions) =>
            $"{ns}|{name}|{string.Join(",", dimensions.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => $"{d.Name}={d.Value}"))}";
    }

    public IReadOnlyDictionary<string, State> Evaluate(MetricSeries metrics)
    {
        var states = template.ResourcesOfType("AWS::CloudWatch::Alarm").ToDictionary(a => a.LogicalId, a => Evaluate(a.LogicalId, a.Properties, metrics));
        var composites = template.ResourcesOfType("AWS::CloudWatch::CompositeAlarm").ToDictionary(a => a.LogicalId, a => a.Properties["AlarmRule"]!["Fn::Sub"]!.ToString());
        // Composites may read composites: settle them in as many rounds as there can be levels.
        for (var round = 0; round < composites.Count; round++)
        {
            foreach (var (id, rule) in composites)
            {
                states[id] = Rule(rule, states) ? State.Alarm : State.Ok;
            }
        }

        return states;
    }

    private State Evaluate(string id, JsonObject alarm, MetricSeries metrics)
    {
        if (alarm["Metrics"] is not null)
        {
            throw new NotSupportedException($"{id}: metric math alarms are not modelled; extend {nameof(AlarmEvaluator)}");
        }

        var ns = alarm["Namespace"]!.ToString();
        var name = alarm["MetricName"]!.ToString();
        var dimensions = (alarm["Dimensions"] as JsonArray ?? []).Select(d => (d!["Name"]!.ToString(), Resolve(d["Value"]!))).ToArray();
        var periods = Number(alarm["EvaluationPeriods"]);
        var toAlarm = alarm["DatapointsToAlarm"] is { } m ? Number(m) : periods;
        var threshold = double.Parse(alarm["Threshold"]!.ToString(), CultureInfo.InvariantCulture);
        var statistic = alarm["Statistic"]!.ToString();
        var missing = alarm["TreatMissingData"]?.ToString() ?? "missing";

        var series = metrics.Of(ns, name, dimensions);
        var range = Enumerable.Range(Math.Max(0, metrics.Periods - periods), Math.Min(periods, metrics.Periods))
            .Select(p => p < series.Count && series[p].Count > 0 ? Aggregate(series[p], statistic) : (double?)null)
            .ToList();
        while (range.Count < periods)
        {
            range.Insert(0, null);
        }

        bool? Breaches(double? value) => value is { } v ? Compare(alarm["ComparisonOperator"]!.ToString(), v, threshold) : missing switch
        {
            "breaching" => true,
            "notBreaching" => false,
            "ignore" or "missing" => null,
            _ => throw new NotSupportedException($"{id}: TreatMissingData {missing}"),
        };

        var judged = range.Select(Breaches).Where(b => b is not null).ToList();
        if (judged.Count == 0)
        {
            return missing == "missing" ? State.InsufficientData : State.Ok;
        }

        return judged.Count(b => b == true) >= toAlarm ? State.Alarm : State.Ok;
    }

    private static bool Rule(string rule, IReadOnlyDictionary<string, State> states)
    {
        if (RuleTerm().Replace(rule, "").Contains('(', StringComparison.Ordinal))
        {
            throw new NotSupportedException($"AlarmRule {rule}: nested rules are not modelled");
        }

        bool Term(string term) => RuleTerm().Match(term.Trim()) is { Success: true } match && match.Length == term.Trim().Length
            ? states[match.Groups["alarm"].Value] == State.Alarm
            : throw new NotSupportedException($"AlarmRule term {term}");

        return rule.Split(" OR ").Any(any => any.Split(" AND ").All(Term));
    }

    private string Resolve(JsonNode value) => concrete is not null ? concrete.Resolve(value)!.ToString() : value switch
    {
        JsonObject o when o["Ref"] is { } reference => parameters.TryGetValue(reference.ToString(), out var parameter) ? parameter : reference.ToString(),
        JsonObject o when o["Fn::Sub"] is { } sub => TemplateRules.Concrete(sub.ToString()),
        _ => value.ToString(),
    };

    private static double Aggregate(List<double> values, string statistic) => statistic switch
    {
        "Maximum" => values.Max(),
        "Minimum" => values.Min(),
        "Sum" => values.Sum(),
        "Average" => values.Average(),
        "SampleCount" => values.Count,
        _ => throw new NotSupportedException($"Statistic {statistic}"),
    };

    private static bool Compare(string comparison, double value, double threshold) => comparison switch
    {
        "GreaterThanThreshold" => value > threshold,
        "GreaterThanOrEqualToThreshold" => value >= threshold,
        "LessThanThreshold" => value < threshold,
        "LessThanOrEqualToThreshold" => value <= threshold,
        _ => throw new NotSupportedException($"ComparisonOperator {comparison}"),
    };

    private static int Number(JsonNode? node) => int.Parse(node!.ToString(), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"ALARM\(""\$\{(?<alarm>[A-Za-z0-9]+)\}""\)")]
    private static partial Regex RuleTerm();
}
