using Replicator.Lambda;
using static Replicator.Lambda.EnvironmentSettings;

namespace Replicator.Failover;

/// <summary>What the drain and verify functions need, read once at init.</summary>
public sealed record FailoverSettings(string Region, string CheckpointTable, IReadOnlyDictionary<string, Uri> KinesisEndpoints, Uri? DynamoDbEndpoint)
{
    public static FailoverSettings From(IReadOnlyDictionary<string, string> environment) => new(
        Required(environment, FailoverEnvironment.Region),
        Required(environment, FailoverEnvironment.CheckpointTable),
        EndpointMap(environment),
        OptionalUri(environment, FailoverEnvironment.DynamoDbEndpoint));

    private static Dictionary<string, Uri> EndpointMap(IReadOnlyDictionary<string, string> environment)
    {
        var map = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var entry in (Optional(environment, FailoverEnvironment.KinesisEndpoints) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('=', 2);
            if (parts.Length != 2 || !Uri.TryCreate(parts[1], UriKind.Absolute, out var uri))
            {
                throw new SettingsException(FailoverEnvironment.KinesisEndpoints, $"'{entry}' is not region=url.");
            }

            map[parts[0]] = uri;
        }

        return map;
    }
}
