using System.Text.Json.Serialization;

namespace Replicator.Lambda;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KinesisEvent))]
[JsonSerializable(typeof(StreamsEventResponse))]
public sealed partial class LambdaEventsJsonContext : JsonSerializerContext;
