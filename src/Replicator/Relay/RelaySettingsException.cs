namespace Replicator.Relay;

/// <summary>A relay setting is missing or wrong; the message names the environment variable.</summary>
public sealed class RelaySettingsException(string setting, string problem)
    : Exception($"{setting}: {problem}")
{
    public string Setting { get; } = setting;
}
