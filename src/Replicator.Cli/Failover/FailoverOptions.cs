using System.Text.Json;
using Replicator.Failover;

namespace Replicator.Cli.Failover;

/// <summary>What <c>replicator failover</c> and <c>failback</c> were asked: an input file (events/failover.json's shape) and overrides.</summary>
public sealed record FailoverOptions(
    string StateMachineArn,
    string InputFile,
    bool Failback,
    string? Stream = null,
    string? To = null,
    bool? Force = null,
    double? DrainTimeoutSeconds = null,
    Uri? EndpointUrl = null)
{
    /// <summary>The execution input: the file, swapped for a failback, with the command line's overrides.</summary>
    /// <exception cref="FailoverInputException">The file is not a failover input, or the regions do not make a move.</exception>
    public FailoverInput Input()
    {
        FailoverInput input;
        try
        {
            input = JsonSerializer.Deserialize(File.ReadAllBytes(InputFile), FailoverJsonContext.Default.FailoverInput)
                ?? throw new FailoverInputException($"{InputFile} holds JSON null, not a failover input.");
        }
        catch (JsonException e)
        {
            throw new FailoverInputException($"{InputFile} is not a failover input (see events/failover.json): {e.Message}");
        }

        input = Failback ? input.Swapped() : input;
        if (To is { } to && to != input.ToRegion)
        {
            input = to == input.FromRegion
                ? input.Swapped()
                : throw new FailoverInputException($"--to {to} is neither region of {InputFile} ({input.FromRegion}, {input.ToRegion}).");
        }

        return input with
        {
            StreamName = Stream ?? input.StreamName,
            Force = Force ?? input.Force,
            DrainTimeoutSeconds = DrainTimeoutSeconds ?? input.DrainTimeoutSeconds,
        };
    }
}

public sealed class FailoverInputException(string message) : Exception(message);
