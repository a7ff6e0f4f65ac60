namespace Replicator.Lambda;

/// <summary>A function setting is missing or wrong; the message names the environment variable.</summary>
public sealed class SettingsException(string setting, string problem)
    : Exception($"{setting}: {problem}")
{
    public string Setting { get; } = setting;
}
