using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Replicator.LocalCloud.Templates;

/// <summary>
/// Intrinsic functions of a deployed template (<see cref="DeployedTemplate"/>) resolved to the strings
/// one example deployment would see: parameters, pseudo parameters, and each resource's Ref and
/// <c>Arn</c> as its service forms them from the names the template gives (a generated id where it
/// gives none). Enough to hand a role's policies to an IAM policy simulator.
/// </summary>
public sealed partial class ConcreteTemplate(CloudFormationTemplate template, string region, IReadOnlyDictionary<string, string> parameters)
{
    public const string Account = "111122223333";
    public const string Partition = "aws";
    public const string StackName = "kinesis-replicator";

    public string Region => region;

    /// <summary>The identity policy documents of an <c>AWS::IAM::Role</c>, every value a string.</summary>
    public IReadOnlyList<JsonNode> RolePolicies(string roleId) =>
        (template.Resources[roleId]!["Properties"]!["Policies"] as JsonArray ?? []).Select(p => Resolve(p!["PolicyDocument"])!).ToList();

    public string RoleArn(string roleId) => $"arn:{Partition}:iam::{Account}:role/{ResourceRef(roleId)}";

    /// <summary>A resource's <c>Arn</c> attribute.</summary>
    public string Arn(string resourceId) => Attribute(resourceId, "Arn");

    public JsonNode? Resolve(JsonNode? node) => node switch
    {
        JsonObject { Count: 1 } o when o["Ref"] is JsonValue name => JsonValue.Create(Ref(name.ToString())),
        JsonObject { Count: 1 } o when o["Fn::Sub"] is { } sub => JsonValue.Create(Sub(sub)),
        JsonObject { Count: 1 } o when o["Fn::GetAtt"] is JsonArray pair => JsonValue.Create(Attribute(pair[0]!.ToString(), pair[1]!.ToString())),
        JsonObject { Count: 1 } o when o["Fn::Join"] is JsonArray join =>
            JsonValue.Create(string.Join(join[0]!.ToString(), Resolve(join[1]) is JsonArray items ? items.Select(i => i!.ToString()) : [Resolve(join[1])!.ToString()])),
        JsonObject { Count: 1 } o when o["Fn::Split"] is JsonArray split =>
            new JsonArray(Resolve(split[1])!.ToString().Split(split[0]!.ToString()).Select(part => (JsonNode?)JsonValue.Create(part)).ToArray()),
        // AWS::LanguageExtensions: the count of a list, or of a CommaDelimitedList parameter's values.
        JsonObject { Count: 1 } o when o["Fn::Length"] is { } length =>
            JsonValue.Create((Resolve(length) switch { JsonArray list => list.Count, var listParameter => listParameter!.ToString().Split(',').Length }).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        JsonObject { Count: 1 } o when o["Fn::Select"] is JsonArray select =>
            Resolve(select[1]) is JsonArray items && int.Parse(Resolve(select[0])!.ToString(), System.Globalization.CultureInfo.InvariantCulture) is var index && index < items.Count
                ? items[index]!.DeepClone()
                : throw new InvalidOperationException($"Fn::Select index {Resolve(select[0])} is out of range (a stack error in CloudFormation) in {o.ToJsonString()}"),
        JsonObject { Count: 1 } o when o.First().Key.StartsWith("Fn::", StringComparison.Ordinal) => throw new NotSupportedException($"{o.First().Key} in {o.ToJsonString()}"),
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Resolve(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Resolve).ToArray()),
        _ => node?.DeepClone(),
    };

    private string Sub(JsonNode sub)
    {
        var (text, variables) = sub is JsonArray withVariables ? (withVariables[0]!.ToString(), withVariables[1]!.AsObject()) : (sub.ToString(), new JsonObject());
        return SubVariable().Replace(text, match =>
        {
            var name = match.Groups[1].Value;
            if (variables[name] is { } local)
            {
                return Resolve(local)!.ToString();
            }

            return name.Contains('.', StringComparison.Ordinal) && !name.StartsWith("AWS::", StringComparison.Ordinal)
                ? Attribute(name[..name.IndexOf('.', StringComparison.Ordinal)], name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..])
                : Ref(name);
        }).Replace("${!", "${", StringComparison.Ordinal); // Fn::Sub's literal ${!Name} becomes ${Name}.
    }

    private string Ref(string name) => name switch
    {
        "AWS::Region" => region,
        "AWS::AccountId" => Account,
        "AWS::Partition" => Partition,
        "AWS::StackName" => StackName,
        "AWS::URLSuffix" => "amazonaws.com",
        _ when parameters.TryGetValue(name, out var value) => value,
        _ when template.Parameters[name] is { } parameter => parameter["Default"]?.ToString() ?? throw new InvalidOperationException($"parameter {name} has no value"),
        _ => ResourceRef(name),
    };

    private string ResourceRef(string id)
    {
        var (type, properties) = Resource(id);
        return type switch
        {
            "AWS::Kinesis::Stream" => Name(properties, "Name", id),
            "AWS::Logs::LogGroup" => Name(properties, "LogGroupName", id),
            "AWS::KMS::Key" => KeyId(id),
            "AWS::S3::Bucket" => Name(properties, "BucketName", id).ToLowerInvariant(),
            "AWS::SNS::Topic" => $"arn:{Partition}:sns:{region}:{Account}:{Name(properties, "TopicName", id)}",
            "AWS::Serverless::Function" => Name(properties, "FunctionName", id),
            "AWS::Serverless::StateMachine" => $"arn:{Partition}:states:{region}:{Account}:stateMachine:{Name(properties, "Name", id)}",
            "AWS::IAM::Role" => Name(properties, "RoleName", id),
            "AWS::KinesisFirehose::DeliveryStream" => Name(properties, "DeliveryStreamName", id),
            "AWS::Glue::Database" => Resolve(properties["DatabaseInput"]!["Name"])!.ToString(),
            "AWS::Glue::Table" => Resolve(properties["TableInput"]!["Name"])!.ToString(),
            "AWS::Athena::WorkGroup" => Name(properties, "Name", id),
            // ARC's ARNs (Service Authorization Reference, Amazon Route 53 Recovery Controls: resource types).
            "AWS::Route53RecoveryControl::Cluster" => $"arn:{Partition}:route53-recovery-control::{Account}:cluster/{GeneratedId(id)}",
            "AWS::Route53RecoveryControl::ControlPanel" => $"arn:{Partition}:route53-recovery-control::{Account}:controlpanel/{GeneratedId(id)}",
            "AWS::Route53RecoveryControl::RoutingControl" => $"{Resolve(properties["ControlPanelArn"])}/routingcontrol/{GeneratedId(id)}",
            "AWS::Route53::HealthCheck" => KeyId(id),
            _ => throw new NotSupportedException($"Ref {id} ({type})"),
        };
    }

    private string Attribute(string id, string attribute)
    {
        var (type, properties) = Resource(id);
        return (type, attribute) switch
        {
            ("AWS::Kinesis::Stream", "Arn") => $"arn:{Partition}:kinesis:{region}:{Account}:stream/{ResourceRef(id)}",
            ("AWS::Kinesis::StreamConsumer", "ConsumerARN") => $"{Resolve(properties["StreamARN"])}/consumer/{Resolve(properties["ConsumerName"])}:1700000000",
            ("AWS::Logs::LogGroup", "Arn") => $"arn:{Partition}:logs:{region}:{Account}:log-group:{ResourceRef(id)}:*",
            ("AWS::KMS::Key", "Arn") => $"arn:{Partition}:kms:{region}:{Account}:key/{KeyId(id)}",
            ("AWS::S3::Bucket", "Arn") => $"arn:{Partition}:s3:::{ResourceRef(id)}",
            ("AWS::SNS::Topic", "TopicArn") => ResourceRef(id),
            ("AWS::Serverless::Function", "Arn") => $"arn:{Partition}:lambda:{region}:{Account}:function:{ResourceRef(id)}",
            ("AWS::Serverless::StateMachine", "Arn") => ResourceRef(id),
            ("AWS::IAM::Role", "Arn") => RoleArn(id),
            ("AWS::KinesisFirehose::DeliveryStream", "Arn") => $"arn:{Partition}:firehose:{region}:{Account}:deliverystream/{ResourceRef(id)}",
            ("AWS::CloudWatch::Alarm", "Arn") => $"arn:{Partition}:cloudwatch:{region}:{Account}:alarm:{StackName}-{id}",
            _ => throw new NotSupportedException($"!GetAtt {id}.{attribute} ({type})"),
        };
    }

    private (string Type, JsonObject Properties) Resource(string id) =>
        template.Resources[id] is { } resource
            ? (resource["Type"]!.ToString(), resource["Properties"]?.AsObject() ?? [])
            : throw new InvalidOperationException($"{template.Name} has no resource {id} as deployed with these parameters");

    private string Name(JsonObject properties, string property, string id) =>
        properties[property] is { } name ? Resolve(name)!.ToString() : $"{StackName}-{id}";

    /// <summary>A key id as KMS forms them (a UUID), stable per logical id so a key policy and a grant agree.</summary>
    private static string KeyId(string id) => new Guid(MD5.HashData(Encoding.UTF8.GetBytes(id))).ToString();

    private static string GeneratedId(string id) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(id)));

    [GeneratedRegex(@"\$\{(?!!)([A-Za-z0-9_:.]+)\}")]
    private static partial Regex SubVariable();
}
