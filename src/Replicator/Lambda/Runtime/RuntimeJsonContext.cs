using System.Text.Json.Serialization;

namespace Replicator.Lambda.Runtime;

[JsonSerializable(typeof(RuntimeError))]
[JsonSerializable(typeof(LogLine))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext;
