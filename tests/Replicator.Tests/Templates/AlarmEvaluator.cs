using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Replicator.Tests.Templates;

/// <summary>
/// Evaluates a template's alarms against metric series the way CloudWatch does (CloudWatch user guide,
/// "Using Amazon CloudWatch alarms": an alarm looks at its last EvaluationPeriods periods and goes to
/// ALARM when DatapointsToAlarm of them breach; TreatMissingData says whether a period without data
/// breaches, does not, is ignored, or (missing, the default) leaves the alarm INSUFFICIENT_DATA when
/// every period is empty; a composite alarm's rule reads its children's states, TRUE and FALSE being
/// constants). Metric math alarms are evaluated over their queries' series with + - * / and
/// SERVICE_QUOTA, the only function the template uses (CloudWatch user guide, "Metric math syntax and
/// functions": SERVICE_QUOTA returns the quota of a usage metric).
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
        private readonly Dictionary<string, double> _quotas = new(StringComparer.Ordinal);

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

        /// <summary>The service quota a usage metric (AWS/Usage) is measured against, as Service Quotas holds it.</summary>
        public void AddQuota(string ns, string name, IEnumerable<(string Name, string Value)> dimensions, double quota) => _quotas[Key(ns, name, dimensions)] = quota;

        public double? QuotaOf(string ns, string name, IEnumerable<(string Name, string Value)> dimensions) =>
            _quotas.TryGetValue(Key(ns, name, dimensions), out var quota) ? quota : null;

        private static string Key(string ns, string name, IEnumerable<(string Name, string Value)> dimensions) =>
            $"{ns}|{name}|{string.Join(",", dimensions.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => $"{d.Name}={d.Value}"))}";
    }

    public IReadOnlyDictionary<string, State> Evaluate(MetricSeries metrics)
    {
        var states = template.ResourcesOfType("AWS::CloudWatch::Alarm").ToDictionary(a => a.LogicalId, a => Evaluate(a.LogicalId, a.Properties, metrics));
        var composites = template.ResourcesOfType("AWS::CloudWatch::CompositeAlarm").ToDictionary(a => a.LogicalId, a => RuleText(a.Properties["AlarmRule"]!));
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
        var periods = Number(alarm["EvaluationPeriods"]);
        var toAlarm = alarm["DatapointsToAlarm"] is { } m ? Number(m) : periods;
        var threshold = double.Parse(alarm["Threshold"]!.ToString(), CultureInfo.InvariantCulture);
        var missing = alarm["TreatMissingData"]?.ToString() ?? "missing";

        Func<int, double?> value = alarm["Metrics"] is JsonArray queries
            ? MetricMath(id, queries, metrics)
            : Statistic(metrics, alarm, alarm["Statistic"]!.ToString());
        var range = Enumerable.Range(Math.Max(0, metrics.Periods - periods), Math.Min(periods, metrics.Periods)).Select(value).ToList();
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

    /// <summary>A metric's statistic in each period; null for a period without data.</summary>
    private Func<int, double?> Statistic(MetricSeries metrics, JsonObject metric, string statistic)
    {
        var series = metrics.Of(metric["Namespace"]!.ToString(), metric["MetricName"]!.ToString(), Dimensions(metric));
        return p => p < series.Count && series[p].Count > 0 ? Aggregate(series[p], statistic) : null;
    }

    private (string Name, string Value)[] Dimensions(JsonObject metric) =>
        (metric["Dimensions"] as JsonArray ?? []).Select(d => (d!["Name"]!.ToString(), Resolve(d["Value"]!))).ToArray();

    /// <summary>The value of the one query that returns data, in each period: a metric's statistic, or an expression over the other queries.</summary>
    private Func<int, double?> MetricMath(string id, JsonArray queries, MetricSeries metrics)
    {
        var byId = queries.Select(q => q!.AsObject()).ToDictionary(q => q["Id"]!.ToString(), StringComparer.Ordinal);
        var returned = byId.Values.Where(q => !string.Equals(q["ReturnData"]?.ToString(), "false", StringComparison.OrdinalIgnoreCase)).ToList();
        if (returned.Count != 1)
        {
            throw new NotSupportedException($"{id}: an alarm's metric math returns exactly one query's data; {returned.Count} do");
        }

        double? Quota(string query) => byId[query]["MetricStat"]!["Metric"] is JsonObject metric
            ? metrics.QuotaOf(metric["Namespace"]!.ToString(), metric["MetricName"]!.ToString(), Dimensions(metric))
            : null;

        Func<int, double?> Query(JsonObject query) => query["MetricStat"] is JsonObject stat
            ? Statistic(metrics, stat["Metric"]!.AsObject(), stat["Stat"]!.ToString())
            : period => new Expression(query["Expression"]!.ToString(), name => Query(byId[name])(period), Quota).Evaluate();

        return Query(returned[0]);
    }

    /// <summary>A metric math expression of + - * /, parentheses, numbers, query ids and SERVICE_QUOTA(id); a query without data makes it null.</summary>
    private sealed class Expression(string text, Func<string, double?> query, Func<string, double?> quota)
    {
        private int _at;

        public double? Evaluate()
        {
            var value = Sum();
            Skip();
            return _at == text.Length ? value : throw new NotSupportedException($"metric math {text}: unexpected '{text[_at..]}'");
        }

        private double? Sum()
        {
            var value = Product();
            while (Next() is '+' or '-')
            {
                var op = text[_at++];
                var right = Product();
                value = op == '+' ? value + right : value - right;
            }

            return value;
        }

        private double? Product()
        {
            var value = Factor();
            while (Next() is '*' or '/')
            {
                var op = text[_at++];
                var right = Factor();
                value = op == '*' ? value * right : value / right;
            }

            return value;
        }

        private double? Factor()
        {
            if (Next() == '(')
            {
                _at++;
                var inner = Sum();
                Expect(')');
                return inner;
            }

            var word = Word();
            if (word == "SERVICE_QUOTA")
            {
                Expect('(');
                Skip();
                var name = Word();
                Expect(')');
                return quota(name);
            }

            return double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number
                : word.Length > 0 ? query(word)
                : throw new NotSupportedException($"metric math {text}: unexpected '{text[_at..]}'");
        }

        private string Word()
        {
            var start = _at;
            while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] is '_' or '.'))
            {
                _at++;
            }

            return text[start.._at];
        }

        private char? Next()
        {
            Skip();
            return _at < text.Length ? text[_at] : null;
        }

        private void Skip()
        {
            while (_at < text.Length && text[_at] == ' ')
            {
                _at++;
            }
        }

        private void Expect(char c)
        {
            if (Next() != c)
            {
                throw new NotSupportedException($"metric math {text}: expected '{c}' at {_at}");
            }

            _at++;
        }
    }

    /// <summary>
    /// The rule as CloudFormation hands it to CloudWatch: an Fn::Sub string, or an Fn::Sub with a variable
    /// map whose values (conditions resolved) are strings or Fn::Sub strings.
    /// </summary>
    private static string RuleText(JsonNode rule) => rule switch
    {
        JsonValue text => text.GetValue<string>(),
        JsonObject o when o["Fn::Sub"] is JsonValue text => text.GetValue<string>(),
        JsonObject o when o["Fn::Sub"] is JsonArray { Count: 2 } sub && sub[0] is JsonValue text && sub[1] is JsonObject variables =>
            TemplateRules.SubVariable().Replace(text.GetValue<string>(), m => variables[m.Groups[1].Value] is { } value ? RuleText(value) : m.Value),
        _ => throw new NotSupportedException($"AlarmRule {rule.ToJsonString()}"),
    };

    private static bool Rule(string rule, IReadOnlyDictionary<string, State> states)
    {
        if (RuleTerm().Replace(rule, "").Contains('(', StringComparison.Ordinal))
        {
            throw new NotSupportedException($"AlarmRule {rule}: nested rules are not modelled");
        }

        bool Term(string term) => term.Trim() switch
        {
            "TRUE" => true,
            "FALSE" => false,
            var trimmed when RuleTerm().Match(trimmed) is { Success: true } match && match.Length == trimmed.Length => states[match.Groups["alarm"].Value] == State.Alarm,
            _ => throw new NotSupportedException($"AlarmRule term {term}"),
        };

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
