using static Replicator.Tests.Templates.AlarmEvaluator;

namespace Replicator.Tests.Templates;

public sealed class AlarmEvaluatorTests
{
    private const string Template = """
        Resources:
          Lag:
            Type: AWS::CloudWatch::Alarm
            Properties:
              Namespace: N
              MetricName: M
              Dimensions:
                - Name: StreamName
                  Value: !Ref InputStreamName
              Statistic: Maximum
              Period: 60
              EvaluationPeriods: 3
              DatapointsToAlarm: 2
              Threshold: 10
              ComparisonOperator: GreaterThanThreshold
              TreatMissingData: TREAT
          Tier:
            Type: AWS::CloudWatch::CompositeAlarm
            Properties:
              AlarmRule: !Sub "ALARM(\"${Lag}\") OR ALARM(\"${Lag}\")"
        """;

    [Theory]
    [InlineData("breaching", new double[0], State.Alarm)]
    [InlineData("notBreaching", new double[0], State.Ok)]
    [InlineData("missing", new double[0], State.InsufficientData)]
    [InlineData("ignore", new double[0], State.Ok)]
    [InlineData("missing", new double[] { 11, 0, 11 }, State.Alarm)]
    [InlineData("missing", new double[] { 11, 0, 0 }, State.Ok)]
    [InlineData("notBreaching", new double[] { 0, 11, 11, 0 }, State.Alarm)]
    [InlineData("notBreaching", new double[] { 11, 11, 0, 0 }, State.Ok)]
    public void Two_of_the_last_three_periods_breach_with_missing_data_treated_as_configured(string treat, double[] values, State expected)
    {
        var template = CloudFormationTemplate.Parse("t", Template.Replace("TREAT", treat, StringComparison.Ordinal));
        var metrics = new MetricSeries();
        for (var period = 0; period < values.Length; period++)
        {
            metrics.Add("N", "M", [("StreamName", "s")], period, values[period]);
        }

        var states = new AlarmEvaluator(template, new Dictionary<string, string> { ["InputStreamName"] = "s" }).Evaluate(metrics);

        Assert.Equal(expected, states["Lag"]);
        Assert.Equal(expected == State.Alarm ? State.Alarm : State.Ok, states["Tier"]);
    }

    [Theory]
    [InlineData(new double[] { 480_000, 480_000, 480_000 }, State.Ok)]
    [InlineData(new double[] { 480_000, 480_060, 480_060 }, State.Alarm)]
    [InlineData(new double[] { 600_000, 0, 0 }, State.Ok)]
    public void Metric_math_divides_a_minutes_calls_by_the_per_second_quota_and_a_false_branch_never_alarms(double[] callsPerMinute, State expected)
    {
        var template = CloudFormationTemplate.Parse("t", """
            Resources:
              Usage:
                Type: AWS::CloudWatch::Alarm
                Properties:
                  Metrics:
                    - Id: calls
                      ReturnData: false
                      MetricStat: { Metric: { Namespace: AWS/Usage, MetricName: CallCount, Dimensions: [{ Name: Service, Value: KMS }] }, Period: 60, Stat: Sum }
                    - Id: utilization
                      Expression: calls / (SERVICE_QUOTA(calls) * 60) * 100
                  EvaluationPeriods: 3
                  DatapointsToAlarm: 2
                  Threshold: 80
                  ComparisonOperator: GreaterThanThreshold
                  TreatMissingData: notBreaching
              Tier:
                Type: AWS::CloudWatch::CompositeAlarm
                Properties:
                  AlarmRule: !Sub
                    - "ALARM(\"${Usage}\") OR ${Absent}"
                    - Absent: "FALSE"
            """);
        var metrics = new MetricSeries();
        metrics.AddQuota("AWS/Usage", "CallCount", [("Service", "KMS")], 10_000);
        for (var period = 0; period < callsPerMinute.Length; period++)
        {
            metrics.Add("AWS/Usage", "CallCount", [("Service", "KMS")], period, callsPerMinute[period]);
        }

        var states = new AlarmEvaluator(template, new Dictionary<string, string>()).Evaluate(metrics);

        Assert.Equal((expected, expected), (states["Usage"], states["Tier"]));
    }
}
