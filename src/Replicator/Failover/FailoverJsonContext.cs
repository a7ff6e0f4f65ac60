using System.Text.Json.Serialization;

namespace Replicator.Failover;

// Respecting required parameters and nullability turns a missing field into an error that names it.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(FailoverInput))]
[JsonSerializable(typeof(DrainRequest))]
[JsonSerializable(typeof(DrainStatus))]
[JsonSerializable(typeof(VerifyRequest))]
[JsonSerializable(typeof(VerifyResult))]
[JsonSerializable(typeof(ReportRequest))]
[JsonSerializable(typeof(FailoverReport))]
[JsonSerializable(typeof(DnsRequest))]
[JsonSerializable(typeof(DnsPointed))]
[JsonSerializable(typeof(ConsumersRequest))]
[JsonSerializable(typeof(ConsumersMoved))]
public sealed partial class FailoverJsonContext : JsonSerializerContext;
