using System.Globalization;

namespace Replicator.Lambda;

/// <summary>Reads a function's settings from its environment; every failure names the variable.</summary>
public static class EnvironmentSettings
{
    /// <summary>This process's environment variables, as the functions' settings readers take them.</summary>
    public static Dictionary<string, string> OfThisProcess() =>
        Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => (string?)entry.Value ?? string.Empty, StringComparer.Ordinal);

    public static string Required(IReadOnlyDictionary<string, string> environment, string name) =>
        Optional(environment, name) ?? throw new SettingsException(name, "is not set.");

    public static string? Optional(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>A comma-separated list that must name at least one item.</summary>
    public static IReadOnlyList<string> RequiredList(IReadOnlyDictionary<string, string> environment, string name)
    {
        var items = Required(environment, name).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 ? items : throw new SettingsException(name, "names nothing; expected a comma-separated list.");
    }

    public static Uri? OptionalUri(IReadOnlyDictionary<string, string> environment, string name)
    {
        if (Optional(environment, name) is not { } text)
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri)
            ? uri
            : throw new SettingsException(name, $"'{text}' is not an absolute URL.");
    }

    public static TimeSpan Seconds(IReadOnlyDictionary<string, string> environment, string name, TimeSpan fallback, double max)
    {
        if (Optional(environment, name) is not { } text)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= max
            ? TimeSpan.FromSeconds(seconds)
            : throw new SettingsException(name, $"'{text}' is not a number of seconds between 0 and {max}.");
    }

    /// <summary><c>true</c> or <c>false</c> (any case); unset is false.</summary>
    public static bool Flag(IReadOnlyDictionary<string, string> environment, string name) =>
        Optional(environment, name) switch
        {
            null => false,
            var text when bool.TryParse(text, out var value) => value,
            var text => throw new SettingsException(name, $"'{text}' is neither true nor false."),
        };

    public static int? OptionalPositiveInt(IReadOnlyDictionary<string, string> environment, string name) =>
        Optional(environment, name) switch
        {
            null => null,
            var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 => value,
            var text => throw new SettingsException(name, $"'{text}' is not a positive whole number."),
        };

    /// <summary>A comma-separated list that may be empty.</summary>
    public static IReadOnlyList<string> OptionalList(IReadOnlyDictionary<string, string> environment, string name) =>
        (Optional(environment, name) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary><c>region=url,region=url</c>: per-region endpoint overrides, for the local cloud only.</summary>
    public static IReadOnlyDictionary<string, Uri> EndpointMap(IReadOnlyDictionary<string, string> environment, string name)
    {
        var map = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var entry in OptionalList(environment, name))
        {
            var parts = entry.Split('=', 2);
            if (parts.Length != 2 || !Uri.TryCreate(parts[1], UriKind.Absolute, out var uri))
            {
                throw new SettingsException(name, $"'{entry}' is not region=url.");
            }

            map[parts[0]] = uri;
        }

        return map;
    }
}
