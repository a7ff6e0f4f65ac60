using System.Text.Json.Serialization;

namespace Replicator.Aws.Json;

[JsonSerializable(typeof(AwsErrorBody))]
internal sealed partial class AwsJsonContext : JsonSerializerContext;
