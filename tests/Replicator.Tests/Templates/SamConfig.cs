using Replicator.LocalCloud;
using Tomlyn;
using Tomlyn.Model;

namespace Replicator.Tests.Templates;

/// <summary>
/// samconfig.toml as SAM CLI reads it (aws/aws-sam-cli 1.164.0, <c>samcli/lib/config/samconfig.py</c>,
/// <c>SamConfig.get_all</c>): a command run with <c>--config-env env</c> gets
/// <c>[env.&lt;command&gt;.parameters]</c> laid over <c>[env.global.parameters]</c>, the command's key
/// being its words joined by <c>_</c> (<c>to_key</c>: <c>local invoke</c> is <c>local_invoke</c>), and
/// nothing from another environment, <c>[default]</c> included.
/// </summary>
public sealed class SamConfig(TomlTable document)
{
    public static SamConfig Load() => Parse(File.ReadAllText(Path.Combine(RepositoryLayout.Root(), "samconfig.toml")));

    public static SamConfig Parse(string toml) => new(TomlSerializer.Deserialize<TomlTable>(toml)!);

    public object? Version => document.TryGetValue("version", out var version) ? version : null;

    public IReadOnlyDictionary<string, object> Resolve(string environment, string command)
    {
        var settings = new Dictionary<string, object>(StringComparer.Ordinal);
        if (!document.TryGetValue(environment, out var section) || section is not TomlTable env)
        {
            return settings;
        }

        foreach (var key in new[] { "global", ToKey(command) })
        {
            if (env.TryGetValue(key, out var table) && table is TomlTable commandTable
                && commandTable.TryGetValue("parameters", out var parameters) && parameters is TomlTable values)
            {
                foreach (var (name, value) in values)
                {
                    settings[name] = value;
                }
            }
        }

        return settings;
    }

    /// <summary><c>parameter_overrides</c> as SAM CLI splits it: space-separated <c>Key=Value</c> pairs.</summary>
    public static IReadOnlyDictionary<string, string> ParameterOverrides(IReadOnlyDictionary<string, object> settings) =>
        settings.TryGetValue("parameter_overrides", out var overrides)
            ? ((string)overrides).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length == 2 ? p[1] : "", StringComparer.Ordinal)
            : new Dictionary<string, string>();

    private static string ToKey(string command) => command.Replace('-', '_').Replace(' ', '_');
}
