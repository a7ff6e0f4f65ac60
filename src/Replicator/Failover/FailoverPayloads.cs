using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Replicator.Failover;

/// <summary>Reads a state machine's payload for a failover function, naming what is wrong with it.</summary>
internal static class FailoverPayloads
{
    public static T Read<T>(ReadOnlyMemory<byte> payload, JsonTypeInfo<T> type, string function)
    {
        try
        {
            return JsonSerializer.Deserialize(payload.Span, type) ?? throw new InvalidFailoverInputException($"{function}: the input is JSON null.");
        }
        catch (JsonException e)
        {
            throw new InvalidFailoverInputException($"{function}: the input is not a {type.Type.Name}: {e.Message}");
        }
    }
}

/// <summary>A failover function was given input it cannot act on; the message names the field.</summary>
public sealed class InvalidFailoverInputException(string message) : Exception(message);
