using System.Text.Json.Serialization;

namespace Replicator.Lambda;

/// <summary>
/// The partial batch response (<c>ReportBatchItemFailures</c>): the event source mapping retries the
/// shard from the earliest item named here. An empty list means the whole batch is done.
/// </summary>
public sealed record StreamsEventResponse([property: JsonPropertyName("batchItemFailures")] IReadOnlyList<BatchItemFailure> BatchItemFailures)
{
    public static StreamsEventResponse Success { get; } = new([]);
}

public sealed record BatchItemFailure([property: JsonPropertyName("itemIdentifier")] string ItemIdentifier);
