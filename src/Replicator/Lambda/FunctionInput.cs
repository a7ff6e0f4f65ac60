using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Replicator.Lambda;

/// <summary>Reads a state machine's payload for a function, naming what is wrong with it.</summary>
public static class FunctionInput
{
    /// <exception cref="InvalidFunctionInputException">The payload is not JSON of that shape; the message names the function and the field.</exception>
    public static T Read<T>(ReadOnlyMemory<byte> payload, JsonTypeInfo<T> type, string function)
    {
        try
        {
            return JsonSerializer.Deserialize(payload.Span, type) ?? throw new InvalidFunctionInputException($"{function}: the input is JSON null.");
        }
        catch (JsonException e)
        {
            throw new InvalidFunctionInputException($"{function}: the input is not a {type.Type.Name}: {e.Message}");
        }
    }
}

/// <summary>A function was given input it cannot act on; the message names the function and the field.</summary>
public sealed class InvalidFunctionInputException(string message) : Exception(message);
