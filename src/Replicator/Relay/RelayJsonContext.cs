using System.Text.Json.Serialization;

namespace Replicator.Relay;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(BatchReport))]
internal sealed partial class RelayJsonContext : JsonSerializerContext;
