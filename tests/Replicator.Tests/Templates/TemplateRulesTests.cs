namespace Replicator.Tests.Templates;

/// <summary>Each rule, fed a template that breaks it, names the resource and property at fault.</summary>
public sealed class TemplateRulesTests
{
    [Fact]
    public async Task Specification_catches_unknown_types_properties_missing_required_ones_and_bad_attributes()
    {
        var template = CloudFormationTemplate.Parse("bad.yaml", """
            Resources:
              Stream:
                Type: AWS::Kinesis::Stream
                Properties:
                  ShardCont: 2
                  StreamEncryption:
                    KeyId: alias/x
              Queue:
                Type: AWS::Kinesis::Strem
              Output:
                Type: AWS::SNS::Topic
                Properties:
                  DisplayName: !GetAtt Stream.Endpoint
            """);

        var findings = TemplateRules.Specification(template, await ResourceSpecification.LoadAsync()).ToList();

        Assert.Contains(findings, f => f.Contains("Stream (AWS::Kinesis::Stream): unknown property ShardCont", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("StreamEncryption: required property EncryptionType is missing", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("Queue has type AWS::Kinesis::Strem", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("AWS::Kinesis::Stream has no attribute Endpoint", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_the_roles_SAM_generates_may_be_named_without_a_resource()
    {
        var template = CloudFormationTemplate.Parse("roles.yaml", """
            Resources:
              Sync:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: catalog-sync
              Owned:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: relay
                  Role: arn:aws:iam::000000000000:role/x
              Topic:
                Type: AWS::SNS::Topic
                Properties:
                  DisplayName: !GetAtt SyncRole.Arn
                  TopicName: !GetAtt OwnedRole.Arn
            """);

        var findings = TemplateRules.Specification(template, await ResourceSpecification.LoadAsync()).ToList();

        Assert.DoesNotContain(findings, f => f.Contains("SyncRole", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("!GetAtt OwnedRole.Arn", StringComparison.Ordinal));
    }

    [Fact]
    public void References_catch_unknown_refs_sub_variables_and_conditions()
    {
        var template = CloudFormationTemplate.Parse("bad.yaml", """
            Parameters:
              Name: { Type: String }
            Resources:
              Topic:
                Type: AWS::SNS::Topic
                Condition: Missing
                Properties:
                  TopicName: !Sub "${Name}-${Nope}-${AWS::Region}"
                  DisplayName: !Ref Nothing
            """);

        var findings = TemplateRules.References(template).ToList();

        Assert.Contains(findings, f => f.Contains("${Nope}", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("!Ref Nothing", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("Condition Missing", StringComparison.Ordinal));
        Assert.Equal(3, findings.Count);
    }

    [Fact]
    public void Least_privilege_catches_wildcard_actions_and_resources_unless_allow_listed()
    {
        var template = CloudFormationTemplate.Parse("bad.yaml", """
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: relay
                  Policies:
                    - Statement:
                        - Sid: Everything
                          Effect: Allow
                          Action: "kinesis:*"
                          Resource: "*"
                        - Sid: Listed
                          Effect: Allow
                          Action: [cloudwatch:PutMetricData]
                          Resource: "*"
            """);

        var findings = TemplateRules.LeastPrivilege(template, new Dictionary<string, string> { ["Fn/Listed"] = "PutMetricData has no resource" }).ToList();

        Assert.Contains(findings, f => f.Contains("Fn statement Everything allows kinesis:*", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("Fn statement Everything allows Resource \"*\"", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.Contains("Listed", StringComparison.Ordinal));
    }

    [Fact]
    public void Encryption_catches_unrotated_keys_open_buckets_and_plain_streams_topics_and_logs()
    {
        var template = CloudFormationTemplate.Parse("bad.yaml", """
            Resources:
              Key: { Type: AWS::KMS::Key, Properties: { EnableKeyRotation: false } }
              Bucket: { Type: AWS::S3::Bucket, Properties: {} }
              Stream: { Type: AWS::Kinesis::Stream, Properties: { ShardCount: 1 } }
              Topic: { Type: AWS::SNS::Topic, Properties: {} }
              Logs: { Type: AWS::Logs::LogGroup, Properties: {} }
            """);

        var findings = TemplateRules.Encryption(template).ToList();

        Assert.Equal(5, findings.Count);
        Assert.Contains(findings, f => f.Contains("Key (AWS::KMS::Key): EnableKeyRotation", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("Bucket (AWS::S3::Bucket): PublicAccessBlockConfiguration", StringComparison.Ordinal));
    }

    [Fact]
    public void Functions_and_alarms_catch_unknown_handlers_missing_settings_local_endpoints_and_metrics_nobody_emits()
    {
        var template = CloudFormationTemplate.Parse("bad.yaml", """
            Resources:
              Relay:
                Type: AWS::Serverless::Function
                Metadata: { BuildMethod: makefile }
                Properties:
                  Handler: relay
                  Environment: { Variables: { TARGET_STREAM_REPLICATION_REGION: us-east-2, AWS_ENDPOINT_URL_KINESIS: "http://localhost:4566" } }
              Other:
                Type: AWS::Serverless::Function
                Properties: { Handler: replay }
              Lag:
                Type: AWS::CloudWatch::Alarm
                Properties: { Namespace: KinesisReplicator, MetricName: LagMinutes }
              Behind:
                Type: AWS::CloudWatch::Alarm
                Properties:
                  Namespace: KinesisReplicator
                  MetricName: RecordsBehind
                  Dimensions: [{ Name: Stream, Value: s }]
              Quota:
                Type: AWS::CloudWatch::Alarm
                Properties:
                  Metrics:
                    - { Id: calls, MetricStat: { Metric: { Namespace: AWS/Usage, MetricName: CallCounts }, Period: 60, Stat: Sum }, ReturnData: false }
                    - { Id: share, Expression: calls / SERVICE_QUOTA(calls), ReturnData: true }
              Health:
                Type: AWS::CloudWatch::CompositeAlarm
                Properties:
                  AlarmRule: !Sub
                    - "ALARM(\"${Lag}\") OR ${Optional}"
                    - Optional: !If [SomeCondition, !Sub "ALARM(\"${Gone}\")", "FALSE"]
            """);

        var functions = TemplateRules.Functions(template).ToList();
        var alarms = TemplateRules.Alarms(template).ToList();

        Assert.Contains(functions, f => f.Contains("Relay (relay) does not set DDB_CHECKPOINT_TABLE_NAME", StringComparison.Ordinal));
        Assert.Contains(functions, f => f.Contains("Relay (relay) sets AWS_ENDPOINT_URL_KINESIS", StringComparison.Ordinal));
        Assert.DoesNotContain(TemplateRules.SettingsByHandler.Values.SelectMany(s => s), s => s.StartsWith("AWS_ENDPOINT_URL", StringComparison.Ordinal));
        Assert.Contains(functions, f => f.Contains("Other has Handler replay", StringComparison.Ordinal));
        Assert.Contains(alarms, f => f.Contains("Lag alarms on KinesisReplicator LagMinutes, which the code does not emit", StringComparison.Ordinal));
        Assert.Contains(alarms, f => f.Contains("Behind selects dimension Stream", StringComparison.Ordinal));
        Assert.Contains(alarms, f => f.Contains("Quota alarms on AWS/Usage CallCounts, which is not a documented metric", StringComparison.Ordinal));
        Assert.Contains(alarms, f => f.Contains("Health's AlarmRule names Gone, which is not an alarm of this template", StringComparison.Ordinal));
        Assert.DoesNotContain(alarms, f => f.Contains("names Optional", StringComparison.Ordinal) || f.Contains("names Lag", StringComparison.Ordinal));
    }
}
