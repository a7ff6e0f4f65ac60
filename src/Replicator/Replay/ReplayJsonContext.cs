using System.Text.Json.Serialization;

namespace Replicator.Replay;

// Respecting required parameters and nullability turns a missing field into an error that names it.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ReplayRequest))]
[JsonSerializable(typeof(PlanRequest))]
[JsonSerializable(typeof(ReplayPlan))]
[JsonSerializable(typeof(LaneRequest))]
[JsonSerializable(typeof(LaneResult))]
[JsonSerializable(typeof(ReportRequest))]
[JsonSerializable(typeof(ReplayReport))]
public sealed partial class ReplayJsonContext : JsonSerializerContext;
