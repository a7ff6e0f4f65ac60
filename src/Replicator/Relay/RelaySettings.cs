using System.Globalization;

namespace Replicator.Relay;

/// <summary>The relay's settings, read and checked once at init so a mistake fails the init, not every batch.</summary>
public sealed record RelaySettings(
    string SourceRegion,
    string TargetRegion,
    string ConfigTable,
    string CheckpointTable,
    string? TargetStreamName,
    TimeSpan GateCacheTtl,
    Uri? TargetKinesisEndpoint,
    Uri? DynamoDbEndpoint)
{
    public static readonly TimeSpan DefaultGateCacheTtl = TimeSpan.FromSeconds(5);

    /// <exception cref="RelaySettingsException">A required setting is missing or a value is invalid.</exception>
    public static RelaySettings From(IReadOnlyDictionary<string, string> environment)
    {
        var source = Required(environment, RelayEnvironment.SourceRegion);
        var target = Required(environment, RelayEnvironment.TargetRegion);
        if (string.Equals(source, target, StringComparison.OrdinalIgnoreCase))
        {
            throw new RelaySettingsException(RelayEnvironment.TargetRegion,
                $"the target region '{target}' is this function's own region ({RelayEnvironment.SourceRegion}); a relay must copy to another region.");
        }

        return new RelaySettings(
            source,
            target,
            Required(environment, RelayEnvironment.ConfigTable),
            Required(environment, RelayEnvironment.CheckpointTable),
            Optional(environment, RelayEnvironment.TargetStreamName),
            GateTtl(environment),
            OptionalUri(environment, RelayEnvironment.TargetKinesisEndpoint),
            OptionalUri(environment, RelayEnvironment.DynamoDbEndpoint));
    }

    private static string Required(IReadOnlyDictionary<string, string> environment, string name) =>
        Optional(environment, name) ?? throw new RelaySettingsException(name, "is not set.");

    private static string? Optional(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static TimeSpan GateTtl(IReadOnlyDictionary<string, string> environment)
    {
        if (Optional(environment, RelayEnvironment.GateCacheTtlSeconds) is not { } text)
        {
            return DefaultGateCacheTtl;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= 300
            ? TimeSpan.FromSeconds(seconds)
            : throw new RelaySettingsException(RelayEnvironment.GateCacheTtlSeconds, $"'{text}' is not a number of seconds between 0 and 300.");
    }

    private static Uri? OptionalUri(IReadOnlyDictionary<string, string> environment, string name)
    {
        if (Optional(environment, name) is not { } text)
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri)
            ? uri
            : throw new RelaySettingsException(name, $"'{text}' is not an absolute URL.");
    }
}
