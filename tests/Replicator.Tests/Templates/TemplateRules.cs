using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Replicator.Aws;
using Replicator.Lambda;
using Replicator.Monitoring;
using Replicator.Relay;
using Replicator.Telemetry;

namespace Replicator.Tests.Templates;

/// <summary>
/// The checks a deployable template must pass, each returning findings that name the template,
/// the resource and the property, so a broken template fails the suite with a message to act on.
/// </summary>
public static partial class TemplateRules
{
    private static readonly HashSet<string> PseudoParameters =
        ["AWS::AccountId", "AWS::NoValue", "AWS::NotificationARNs", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"];

    /// <summary>Properties of AWS::Serverless::Function this project may use, from the SAM specification (docs: sam-resource-function).</summary>
    private static readonly HashSet<string> ServerlessFunctionProperties =
    [
        "Architectures", "AutoPublishAlias", "CodeUri", "DeadLetterQueue", "DeploymentPreference", "Description", "Environment",
        "EphemeralStorage", "EventInvokeConfig", "Events", "FunctionName", "FunctionUrlConfig", "Handler", "KmsKeyArn", "Layers",
        "LoggingConfig", "MemorySize", "PackageType", "PermissionsBoundary", "Policies", "ReservedConcurrentExecutions", "Role",
        "Runtime", "Tags", "Timeout", "Tracing", "VpcConfig",
    ];

    /// <summary>The functions' environment variables each handler reads (Lambda sets AWS_REGION; the endpoint variables are local-only).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> SettingsByHandler { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["relay"] = DeployedSettings(typeof(RelayEnvironment)),
        ["lag-monitor"] = DeployedSettings(typeof(LagMonitorEnvironment)),
        ["failover-drain"] = DeployedSettings(typeof(Replicator.Failover.FailoverEnvironment)),
        ["failover-verify"] = DeployedSettings(typeof(Replicator.Failover.FailoverEnvironment)),
        ["failover-report"] = [],
        ["failover-dns"] = [],
        ["failover-claim"] = DeployedSettings(typeof(Replicator.Failover.ClaimEnvironment)),
        ["failover-consumers"] = DeployedSettings(typeof(Replicator.Failover.ConsumersEnvironment)),
        ["failover-recover"] = [.. DeployedSettings(typeof(Replicator.Failover.RecoverEnvironment)), .. DeployedSettings(typeof(Replicator.Failover.ClaimEnvironment))],
        ["catalog-sync"] = DeployedSettings(typeof(Replicator.Catalog.CatalogSyncEnvironment)),
        ["archive-transform"] = DeployedSettings(typeof(Replicator.Archive.ArchiveEnvironment)),
        ["replay-plan"] = [.. DeployedSettings(typeof(Replicator.Replay.ReplayEnvironment)), .. DeployedSettings(typeof(Replicator.Replay.ReplayEnvironment.PlanOnly))],
        ["replay-lane"] = DeployedSettings(typeof(Replicator.Replay.ReplayEnvironment)),
        ["replay-report"] = DeployedSettings(typeof(Replicator.Replay.ReplayEnvironment)),
    };

    /// <summary>CloudWatch metrics of AWS namespaces the template may alarm on (from each service's metrics documentation).</summary>
    private static readonly Dictionary<string, HashSet<string>> AwsMetrics = new()
    {
        ["AWS/Lambda"] = ["Errors", "Throttles", "IteratorAge", "Invocations", "Duration", "ConcurrentExecutions"],
        ["AWS/Kinesis"] = ["GetRecords.IteratorAgeMilliseconds", "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IncomingRecords", "PutRecords.FailedRecords"],
        ["AWS/States"] = ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"],
        // S3 user guide, "Metrics and dimensions": S3 Replication metrics, and request metrics' errors.
        ["AWS/S3"] = ["ReplicationLatency", "OperationsPendingReplication", "BytesPendingReplication", "OperationsFailedReplication", "4xxErrors", "5xxErrors"],
        // CloudWatch user guide, "CloudWatch usage metrics": the only metric of the namespace.
        ["AWS/Usage"] = ["CallCount"],
    };

    public static IEnumerable<string> Specification(CloudFormationTemplate template, ResourceSpecification specification)
    {
        foreach (var (id, type, properties) in template.ResourcesOfType("AWS::"))
        {
            if (type.StartsWith("AWS::Serverless::", StringComparison.Ordinal))
            {
                if (type == "AWS::Serverless::Function")
                {
                    foreach (var name in properties.Select(p => p.Key).Where(n => !ServerlessFunctionProperties.Contains(n)))
                    {
                        yield return $"{template.Name}: {id} ({type}) has property {name}, which the SAM specification does not list";
                    }
                }

                continue;
            }

            if (!specification.HasType(type))
            {
                yield return $"{template.Name}: {id} has type {type}, which the CloudFormation specification does not know";
                continue;
            }

            foreach (var finding in Properties(specification, specification.PropertiesOf(type), properties, $"{template.Name}: {id} ({type})"))
            {
                yield return finding;
            }
        }

        var generated = SamGeneratedRoles(template);
        foreach (var (resource, attribute, where) in GetAtts(template.Root, "template"))
        {
            if (generated.Contains(resource) && attribute == "Arn")
            {
                continue;
            }

            if (!template.Resources.ContainsKey(resource))
            {
                yield return $"{template.Name}: !GetAtt {resource}.{attribute} in {where} names no resource";
                continue;
            }

            var type = template.Resources[resource]!["Type"]!.GetValue<string>();
            if (!type.StartsWith("AWS::Serverless::", StringComparison.Ordinal) && specification.HasType(type) && !specification.HasAttribute(type, attribute))
            {
                yield return $"{template.Name}: !GetAtt {resource}.{attribute} in {where}: {type} has no attribute {attribute}";
            }
        }
    }

    /// <summary>
    /// The execution roles SAM creates, <c>{LogicalId}Role</c>, for each function and state machine that
    /// names no Role of its own (SAM's generated resources documentation); the template may refer to them.
    /// </summary>
    private static HashSet<string> SamGeneratedRoles(CloudFormationTemplate template) =>
        template.ResourcesOfType("AWS::Serverless::")
            .Where(r => r.Type is "AWS::Serverless::Function" or "AWS::Serverless::StateMachine" && !r.Properties.ContainsKey("Role"))
            .Select(r => r.LogicalId + "Role")
            .ToHashSet(StringComparer.Ordinal);

    public static IEnumerable<string> References(CloudFormationTemplate template)
    {
        var known = template.Parameters.Select(p => p.Key).Concat(template.Resources.Select(r => r.Key)).Concat(PseudoParameters).ToHashSet(StringComparer.Ordinal);
        var conditions = (template.Root["Conditions"]?.AsObject() ?? []).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (node, where) in Walk(template.Root, "template"))
        {
            if (node is not JsonObject { Count: 1 } intrinsic)
            {
                continue;
            }

            var (key, value) = intrinsic.First();
            switch (key)
            {
                case "Ref" when value is JsonValue name && !known.Contains(name.GetValue<string>()):
                    yield return $"{template.Name}: !Ref {name} in {where} names no parameter or resource";
                    break;
                case "Fn::Sub":
                    var text = value is JsonArray array ? array[0]!.GetValue<string>() : value!.GetValue<string>();
                    var local = value is JsonArray withVariables ? withVariables[1]!.AsObject().Select(v => v.Key).ToHashSet() : [];
                    foreach (Match match in SubVariable().Matches(text))
                    {
                        var target = match.Groups[1].Value.Split('.')[0];
                        if (!known.Contains(match.Groups[1].Value) && !known.Contains(target) && !local.Contains(target))
                        {
                            yield return $"{template.Name}: ${{{match.Groups[1].Value}}} in {where} names no parameter or resource";
                        }
                    }

                    break;
                case "Fn::If" when value is JsonArray branches && !conditions.Contains(branches[0]!.GetValue<string>()):
                case "Condition" when value is JsonValue && !conditions.Contains(value.GetValue<string>()):
                    yield return $"{template.Name}: condition in {where} is not defined under Conditions";
                    break;
            }
        }

        foreach (var (id, resource) in template.Resources)
        {
            if (resource!["Condition"] is JsonValue condition && !conditions.Contains(condition.GetValue<string>()))
            {
                yield return $"{template.Name}: {id} has Condition {condition}, which is not defined";
            }
        }
    }

    public static IEnumerable<string> Functions(CloudFormationTemplate template)
    {
        foreach (var (id, _, properties) in template.ResourcesOfType("AWS::Serverless::Function"))
        {
            var handler = properties["Handler"]?.GetValue<string>();
            if (handler is null || !FunctionCatalog.Names.Contains(handler))
            {
                yield return $"{template.Name}: {id} has Handler {handler ?? "(none)"}; the bootstrap serves {string.Join(", ", FunctionCatalog.Names)}";
                continue;
            }

            var variables = properties["Environment"]?["Variables"]?.AsObject() ?? [];
            foreach (var setting in SettingsByHandler[handler].Where(s => !variables.ContainsKey(s)))
            {
                yield return $"{template.Name}: {id} ({handler}) does not set {setting}, which the function reads";
            }

            foreach (var setting in variables.Select(v => v.Key).Where(IsLocalOnly))
            {
                yield return $"{template.Name}: {id} ({handler}) sets {setting}, which points a local cloud's functions at its emulators; deployed, they use the regions' endpoints";
            }

            if (template.Resources[id]!["Metadata"]?["BuildMethod"]?.GetValue<string>() != "makefile")
            {
                yield return $"{template.Name}: {id} must build with Metadata.BuildMethod makefile (the Makefile's build-{id} target)";
            }
        }
    }

    /// <param name="wildcardResources">Statements (logical id/Sid) allowed <c>Resource: "*"</c>, each with the reason the service requires it.</param>
    public static IEnumerable<string> LeastPrivilege(CloudFormationTemplate template, IReadOnlyDictionary<string, string> wildcardResources)
    {
        foreach (var (id, statement) in AllowStatements(template))
        {
            var sid = statement["Sid"]?.GetValue<string>() ?? "(no Sid)";
            foreach (var action in Strings(statement["Action"]))
            {
                if (action == "*" || action.EndsWith(":*", StringComparison.Ordinal))
                {
                    if (!Allowed(wildcardResources, id, sid))
                    {
                        yield return $"{template.Name}: {id} statement {sid} allows {action}; name the actions it calls";
                    }
                }
            }

            if (Strings(statement["Resource"]).Contains("*") && !Allowed(wildcardResources, id, sid))
            {
                yield return $"{template.Name}: {id} statement {sid} allows Resource \"*\"; scope it, or add it with the reason to the allow-list";
            }
        }
    }

    /// <summary>No role as deployed carries an AWS managed policy: each grants its actions on Resource *.</summary>
    public static IEnumerable<string> NoManagedPolicies(CloudFormationTemplate template) =>
        SamTransformRoles.ManagedPolicies(template)
            .Where(r => r.ManagedPolicies.Count > 0)
            .Select(r => $"{template.Name}: {r.Owner}'s role {r.Role} carries {string.Join(", ", r.ManagedPolicies)}, which grant on Resource *; give {r.Owner} an AWS::IAM::Role of its own with named resources");

    /// <summary>A function's role writes logs only to the log group its LoggingConfig names.</summary>
    public static IEnumerable<string> LogsOnlyToOwnGroup(CloudFormationTemplate template)
    {
        foreach (var (id, _, p) in template.ResourcesOfType("AWS::Serverless::Function"))
        {
            var group = p["LoggingConfig"]?["LogGroup"]?["Ref"]?.ToString();
            var role = p["Role"]?["Fn::GetAtt"]?[0]?.ToString();
            if (group is null || role is null || template.Resources[role] is null)
            {
                yield return $"{template.Name}: {id} needs LoggingConfig.LogGroup and a Role of this template (!GetAtt <Role>.Arn)";
                continue;
            }

            var statements = (template.Resources[role]!["Properties"]!["Policies"] as JsonArray ?? [])
                .SelectMany(x => x?["PolicyDocument"]?["Statement"]?.AsArray() ?? []).SelectMany(Unwrap)
                .Where(s => Strings(s["Action"]).Any(a => a.StartsWith("logs:", StringComparison.Ordinal)));
            foreach (var statement in statements)
            {
                var resources = statement["Resource"] is JsonArray many ? many.ToArray() : [statement["Resource"]];
                if (resources.Any(r => r?["Fn::GetAtt"]?[0]?.ToString() != group || r["Fn::GetAtt"]![1]!.ToString() != "Arn"))
                {
                    yield return $"{template.Name}: {role} ({id}) statement {statement["Sid"]} grants logs actions beyond {group}, the log group {id} writes to";
                }
            }
        }
    }

    /// <summary>
    /// A key policy's service statements are bound to this stack (confused deputy): CloudWatch Logs by
    /// <c>kms:EncryptionContext:aws:logs:arn</c> patterns that match every log group of the template and no
    /// other, any other service by <c>aws:SourceAccount</c> and, where the service sends it, <c>aws:SourceArn</c>.
    /// </summary>
    public static IEnumerable<string> KeyPolicyBindsServices(CloudFormationTemplate template, string foreignLogGroup, string foreignAlarm)
    {
        var logGroups = template.ResourcesOfType("AWS::Logs::LogGroup").Select(g => (g.LogicalId, Name: Concrete(g.Properties["LogGroupName"]!["Fn::Sub"]!.ToString()))).ToList();
        foreach (var (id, _, p) in template.ResourcesOfType("AWS::KMS::Key"))
        {
            foreach (var statement in (p["KeyPolicy"]?["Statement"]?.AsArray() ?? []).OfType<JsonObject>().Where(s => s["Principal"]?["Service"] is not null))
            {
                var sid = statement["Sid"]?.ToString();
                var service = statement["Principal"]!["Service"]!.ToJsonString();
                if (service.Contains("logs.", StringComparison.Ordinal))
                {
                    var patterns = ArnPatterns(statement["Condition"]?["ArnLike"]?["kms:EncryptionContext:aws:logs:arn"]);
                    foreach (var group in logGroups.Where(g => !patterns.Any(r => r.IsMatch(LogGroupArn(g.Name)))))
                    {
                        yield return $"{template.Name}: {id} statement {sid} does not let CloudWatch Logs use the key for {group.LogicalId} ({group.Name})";
                    }

                    if (patterns.Count == 0 || patterns.Any(r => r.IsMatch(LogGroupArn(foreignLogGroup))))
                    {
                        yield return $"{template.Name}: {id} statement {sid} lets CloudWatch Logs use the key for log groups not of this stack (e.g. {foreignLogGroup})";
                    }

                    continue;
                }

                if (statement["Condition"]?["StringEquals"]?["aws:SourceAccount"]?["Ref"]?.ToString() != "AWS::AccountId")
                {
                    yield return $"{template.Name}: {id} statement {sid} grants {service} without aws:SourceAccount = this account";
                }

                var sources = ArnPatterns(statement["Condition"]?["ArnLike"]?["aws:SourceArn"]);
                if (service.Contains("cloudwatch.", StringComparison.Ordinal) && (sources.Count == 0 || sources.Any(r => r.IsMatch(Concrete(foreignAlarm)))))
                {
                    yield return $"{template.Name}: {id} statement {sid} lets alarms not of this stack use the key (e.g. {foreignAlarm}); bind it with aws:SourceArn";
                }
            }
        }

        static string LogGroupArn(string name) => Concrete($"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{name}");
    }

    /// <summary>ARN patterns of a condition (ArnLike: <c>*</c> and <c>?</c> wildcards) with pseudo parameters filled.</summary>
    private static List<Regex> ArnPatterns(JsonNode? values) =>
        (values is JsonArray many ? many.ToArray() : [values]).Where(v => v is not null)
            .Select(v => v!["Fn::Sub"]?.ToString() ?? v.ToString())
            .Select(p => new Regex("^" + Regex.Escape(Concrete(p)).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$"))
            .ToList();

    /// <summary>A !Sub string with the pseudo parameters of <see cref="ConcreteTemplate"/>'s example deployment, in us-east-1.</summary>
    public static string Concrete(string sub) => sub
        .Replace("${AWS::Partition}", ConcreteTemplate.Partition, StringComparison.Ordinal).Replace("${AWS::Region}", "us-east-1", StringComparison.Ordinal)
        .Replace("${AWS::AccountId}", ConcreteTemplate.Account, StringComparison.Ordinal).Replace("${AWS::StackName}", ConcreteTemplate.StackName, StringComparison.Ordinal);

    /// <summary>An allow-list entry names one statement (<c>Resource/Sid</c>) or a Sid in every role (<c>*/Sid</c>).</summary>
    private static bool Allowed(IReadOnlyDictionary<string, string> allowList, string id, string sid) =>
        allowList.ContainsKey($"{id}/{sid}") || allowList.ContainsKey($"*/{sid}");

    public static IEnumerable<string> Encryption(CloudFormationTemplate template)
    {
        foreach (var (id, type, p) in template.ResourcesOfType("AWS::"))
        {
            var problem = type switch
            {
                "AWS::KMS::Key" when !IsTrue(p["EnableKeyRotation"]) => "EnableKeyRotation is not true",
                "AWS::Kinesis::Stream" when p["StreamEncryption"]?["EncryptionType"]?.GetValue<string>() != "KMS" => "StreamEncryption is not KMS",
                "AWS::SNS::Topic" when p["KmsMasterKeyId"] is null => "KmsMasterKeyId is not set",
                "AWS::Logs::LogGroup" when p["KmsKeyId"] is null => "KmsKeyId is not set",
                "AWS::DynamoDB::GlobalTable" or "AWS::DynamoDB::Table" when !IsTrue(p["SSESpecification"]?["SSEEnabled"]) => "SSESpecification.SSEEnabled is not true",
                "AWS::S3::Bucket" => BucketProblem(template, id, p),
                _ => null,
            };
            if (problem is not null)
            {
                yield return $"{template.Name}: {id} ({type}): {problem}";
            }
        }
    }

    public static IEnumerable<string> Alarms(CloudFormationTemplate template)
    {
        foreach (var (id, _, p) in template.ResourcesOfType("AWS::CloudWatch::Alarm"))
        {
            // A metric math alarm's metrics are its queries' (MetricStat.Metric); the others are expressions.
            var watched = p["Metrics"] is JsonArray queries
                ? queries.Select(q => q?["MetricStat"]?["Metric"]).OfType<JsonObject>().ToList()
                : [p];
            foreach (var metricOf in watched)
            {
                var ns = metricOf["Namespace"]?.GetValue<string>() ?? string.Empty;
                var metric = metricOf["MetricName"]?.GetValue<string>() ?? string.Empty;
                var known = ns == MetricNames.Namespace
                    ? MetricNames.All.Contains(metric)
                    : AwsMetrics.TryGetValue(ns, out var metrics) && metrics.Contains(metric);
                if (!known)
                {
                    yield return $"{template.Name}: {id} alarms on {ns} {metric}, which {(ns == MetricNames.Namespace ? "the code does not emit" : "is not a documented metric")}";
                }

                var dimensions = (metricOf["Dimensions"] as JsonArray ?? []).Select(d => d?["Name"]?.ToString() ?? string.Empty);
                foreach (var dimension in dimensions.Where(d => ns == MetricNames.Namespace && !MetricDimensions.All.Contains(d)))
                {
                    yield return $"{template.Name}: {id} selects dimension {dimension}, which the code's metrics do not carry";
                }
            }
        }

        var alarms = template.ResourcesOfType("AWS::CloudWatch::").Select(r => r.LogicalId).ToHashSet(StringComparer.Ordinal);
        foreach (var (id, _, p) in template.ResourcesOfType("AWS::CloudWatch::CompositeAlarm"))
        {
            foreach (var named in AlarmsNamedBy(p["AlarmRule"]).Where(n => !alarms.Contains(n)))
            {
                yield return $"{template.Name}: {id}'s AlarmRule names {named}, which is not an alarm of this template";
            }
        }
    }

    /// <summary>The resources a composite's rule substitutes, in every branch of its conditions, not counting its own Fn::Sub variables.</summary>
    private static IEnumerable<string> AlarmsNamedBy(JsonNode? rule) => rule switch
    {
        JsonObject o when o["Fn::Sub"] is JsonValue text => SubVariable().Matches(text.GetValue<string>()).Select(m => m.Groups[1].Value),
        JsonObject o when o["Fn::Sub"] is JsonArray { Count: 2 } sub && sub[0] is JsonValue text && sub[1] is JsonObject variables =>
            SubVariable().Matches(text.GetValue<string>()).Select(m => m.Groups[1].Value).Where(n => !variables.ContainsKey(n))
                .Concat(variables.SelectMany(v => AlarmsNamedBy(v.Value))),
        JsonObject o when o["Fn::If"] is JsonArray branches => branches.Skip(1).SelectMany(AlarmsNamedBy),
        _ => [],
    };

    private static IEnumerable<string> Properties(ResourceSpecification specification, JsonElement allowed, JsonObject actual, string where)
    {
        foreach (var (name, value) in actual)
        {
            if (!allowed.TryGetProperty(name, out var property))
            {
                yield return $"{where}: unknown property {name}";
                continue;
            }

            if (specification.NestedProperties(property.GetProperty("type")) is not { } nested)
            {
                continue;
            }

            var items = value is JsonArray array ? array.OfType<JsonObject>() : value is JsonObject single ? [single] : [];
            foreach (var item in items.Where(i => !IsIntrinsic(i)))
            {
                foreach (var finding in Properties(specification, nested, item, $"{where}.{name}"))
                {
                    yield return finding;
                }
            }
        }

        foreach (var required in allowed.EnumerateObject().Where(p => p.Value.TryGetProperty("required", out var r) && r.GetBoolean()))
        {
            if (!actual.ContainsKey(required.Name))
            {
                yield return $"{where}: required property {required.Name} is missing";
            }
        }
    }

    private static string? BucketProblem(CloudFormationTemplate template, string id, JsonObject bucket)
    {
        var block = bucket["PublicAccessBlockConfiguration"]?.AsObject();
        if (block is null || new[] { "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets" }.Any(k => !IsTrue(block[k])))
        {
            return "PublicAccessBlockConfiguration does not block all four";
        }

        var sse = bucket["BucketEncryption"]?["ServerSideEncryptionConfiguration"]?[0]?["ServerSideEncryptionByDefault"]?["SSEAlgorithm"]?.GetValue<string>();
        if (sse != "aws:kms")
        {
            return $"default encryption is {sse ?? "not set"}, not aws:kms";
        }

        var tlsOnly = template.ResourcesOfType("AWS::S3::BucketPolicy")
            .Where(p => p.Properties["Bucket"]?["Ref"]?.GetValue<string>() == id)
            .SelectMany(p => p.Properties["PolicyDocument"]?["Statement"]?.AsArray() ?? [])
            .Any(s => s?["Effect"]?.GetValue<string>() == "Deny" && s["Condition"]?["Bool"]?["aws:SecureTransport"]?.GetValue<string>() == "false");
        return tlsOnly ? null : "no bucket policy denies requests without TLS (aws:SecureTransport false)";
    }

    /// <summary>Allow statements of identity policies: functions' Policies and IAM roles and policies (resource policies such as key policies are not identity grants).</summary>
    private static IEnumerable<(string LogicalId, JsonObject Statement)> AllowStatements(CloudFormationTemplate template)
    {
        foreach (var (id, type, p) in template.ResourcesOfType("AWS::"))
        {
            IEnumerable<JsonNode?> documents = type switch
            {
                "AWS::Serverless::Function" or "AWS::Serverless::StateMachine" => (p["Policies"] as JsonArray ?? []).Where(d => d is JsonObject o && o.ContainsKey("Statement")),
                "AWS::IAM::Role" => (p["Policies"] as JsonArray ?? []).Select(x => x?["PolicyDocument"]),
                "AWS::IAM::Policy" or "AWS::IAM::ManagedPolicy" => [p["PolicyDocument"]],
                "AWS::KMS::Key" => [p["KeyPolicy"]],
                _ => [],
            };
            foreach (var statement in documents.SelectMany(d => d?["Statement"]?.AsArray() ?? []).SelectMany(Unwrap))
            {
                if (statement["Effect"]?.GetValue<string>() == "Allow")
                {
                    yield return (id, statement);
                }
            }
        }
    }

    /// <summary>A statement, or both branches of an <c>!If</c> around one.</summary>
    private static IEnumerable<JsonObject> Unwrap(JsonNode? node) => node switch
    {
        JsonObject o when o["Fn::If"] is JsonArray branches => branches.Skip(1).SelectMany(Unwrap),
        JsonObject o when o.ContainsKey("Ref") => [],
        JsonObject o => [o],
        _ => [],
    };

    private static IEnumerable<(string Resource, string Attribute, string Where)> GetAtts(JsonNode root, string path) =>
        Walk(root, path)
            .Where(n => n.Node is JsonObject { Count: 1 } o && o.ContainsKey("Fn::GetAtt"))
            .Select(n => (n.Node["Fn::GetAtt"]![0]!.GetValue<string>(), n.Node["Fn::GetAtt"]![1]!.GetValue<string>(), n.Where))
            .Concat(Walk(root, path)
                .Where(n => n.Node is JsonObject { Count: 1 } o && o["Fn::Sub"] is JsonValue)
                .SelectMany(n => SubVariable().Matches(n.Node["Fn::Sub"]!.GetValue<string>())
                    .Select(m => m.Groups[1].Value)
                    .Where(v => v.Contains('.') && !v.StartsWith("AWS::", StringComparison.Ordinal))
                    .Select(v => (v[..v.IndexOf('.')], v[(v.IndexOf('.') + 1)..], n.Where))));

    private static IEnumerable<(JsonNode Node, string Where)> Walk(JsonNode? node, string where)
    {
        if (node is null)
        {
            yield break;
        }

        yield return (node, where);
        var children = node switch
        {
            JsonObject o => o.Select(c => (c.Value, $"{where}.{c.Key}")),
            JsonArray a => a.Select((c, i) => (c, $"{where}[{i}]")),
            _ => [],
        };
        foreach (var (child, path) in children)
        {
            foreach (var descendant in Walk(child, path))
            {
                yield return descendant;
            }
        }
    }

    private static bool IsIntrinsic(JsonObject node) =>
        node.Count == 1 && (node.First().Key is "Ref" or "Condition" || node.First().Key.StartsWith("Fn::", StringComparison.Ordinal));

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && string.Equals(v.ToString(), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A policy element's strings: one value, or each value of a list.</summary>
    internal static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonArray array => array.OfType<JsonValue>().Select(v => v.ToString()),
        JsonValue value => [value.ToString()],
        _ => [],
    };

    private static IReadOnlyList<string> DeployedSettings(Type environment) =>
        environment.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(name => name != "AWS_REGION" && !IsLocalOnly(name))
            .Distinct()
            .ToArray();

    /// <summary>REPLICATOR_* and the AWS SDKs' AWS_ENDPOINT_URL(_&lt;SERVICE&gt;) (see <see cref="ServiceEndpoints"/>): for a local cloud, never deployed.</summary>
    private static bool IsLocalOnly(string name) =>
        name.StartsWith("REPLICATOR_", StringComparison.Ordinal)
        || name.StartsWith(ServiceEndpoints.Global, StringComparison.Ordinal)
        || name == ServiceEndpoints.IgnoreConfigured;

    /// <summary>An Fn::Sub variable, <c>${Name}</c> (not the literal <c>${!Name}</c>): group 1 is its name.</summary>
    [GeneratedRegex(@"\$\{(?!!)([A-Za-z0-9_:.]+)\}")]
    internal static partial Regex SubVariable();
}
