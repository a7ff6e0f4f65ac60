using System.Text.Json;
using Replicator.Replay;

namespace Replicator.Cli.Replay;

/// <summary>What <c>replicator replay</c> was asked: an optional input file (events/replay.json's shape) and the command line's fields, which win.</summary>
public sealed record ReplayOptions(
    string StateMachineArn,
    string? InputFile = null,
    string? Stream = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? TargetStream = null,
    string? TargetRegion = null,
    int? Lanes = null,
    double? RecordsPerSecond = null,
    double? BytesPerSecond = null,
    string? ReplayId = null,
    string ProgressTable = "kdsReplayProgress",
    Uri? EndpointUrl = null,
    Uri? DynamoDbEndpoint = null)
{
    public string? Tenant { get; init; }

    /// <exception cref="ReplayOptionsException">The file is not a replay input, or stream, from or to is missing.</exception>
    public ReplayRequest Request()
    {
        ReplayRequest? file = null;
        if (InputFile is not null)
        {
            try
            {
                file = JsonSerializer.Deserialize(File.ReadAllBytes(InputFile), ReplayJsonContext.Default.ReplayRequest)
                    ?? throw new ReplayOptionsException($"{InputFile} holds JSON null, not a replay input.");
            }
            catch (JsonException e)
            {
                throw new ReplayOptionsException($"{InputFile} is not a replay input (see events/replay.json): {e.Message}");
            }
        }

        return new ReplayRequest(
            Stream ?? file?.Stream ?? throw new ReplayOptionsException("--stream is required (or an --input file that names it)."),
            From ?? file?.From ?? throw new ReplayOptionsException("--from is required (or an --input file that gives it)."),
            To ?? file?.To ?? throw new ReplayOptionsException("--to is required (or an --input file that gives it)."),
            TargetStream ?? file?.TargetStream,
            TargetRegion ?? file?.TargetRegion,
            Lanes ?? file?.Lanes ?? 1,
            RecordsPerSecond ?? file?.RecordsPerSecond,
            BytesPerSecond ?? file?.BytesPerSecond,
            ReplayId ?? file?.ReplayId,
            Tenant: Tenant ?? file?.Tenant);
    }
}

public sealed class ReplayOptionsException(string message) : Exception(message);
