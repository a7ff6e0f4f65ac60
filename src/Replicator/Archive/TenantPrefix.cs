using System.Text;
using System.Text.Json;

namespace Replicator.Archive;

/// <summary>Reads a record's tenant for its archive prefix, made safe for an S3 key.</summary>
public static class TenantPrefix
{
    /// <summary>The tenant of records whose payload has no tenant field, kept under its own prefix.</summary>
    public const string NoTenant = "_none";

    /// <summary>The tenant of records whose tenant is not among those listed at deploy.</summary>
    public const string UnlistedTenant = "_unlisted";

    /// <summary>
    /// The <c>tenant=</c> value the archive files a record under: its tenant, <see cref="NoTenant"/> without
    /// one, and <see cref="UnlistedTenant"/> for a tenant outside <paramref name="listed"/> when any are listed
    /// (so the prefixes stay as many as the deploy counted). The transformation and a tenant's replay both ask this.
    /// </summary>
    public static string Partition(ReadOnlySpan<byte> payload, string field, IReadOnlySet<string>? listed) =>
        Of(payload, field) switch
        {
            null => NoTenant,
            var tenant when listed is { Count: > 0 } && !listed.Contains(tenant) => UnlistedTenant,
            var tenant => tenant,
        };

    /// <summary>The top-level <paramref name="field"/> of a JSON payload (string or number), or null when there is none.</summary>
    public static string? Of(ReadOnlySpan<byte> payload, string field)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var matches = reader.ValueTextEquals(field);
                reader.Read();
                if (matches)
                {
                    return reader.TokenType switch
                    {
                        JsonTokenType.String => Safe(reader.GetString()!),
                        JsonTokenType.Number => Safe(Encoding.UTF8.GetString(reader.ValueSpan)),
                        _ => null,
                    };
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            // Not JSON: the record has no tenant, and goes under the no-tenant prefix.
            return null;
        }
    }

    /// <summary>Whether <paramref name="tenant"/> is a value the archive's prefixes can hold as it is: what <see cref="Safe"/> leaves unchanged.</summary>
    public static bool IsSafe(string tenant) => tenant.Length > 0 && tenant.All(IsKept);

    private static bool IsKept(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';

    /// <summary>Keeps letters, digits, '-', '_' and '.'; anything else (a '/' above all) becomes '_'.</summary>
    private static string? Safe(string tenant)
    {
        if (tenant.Length == 0)
        {
            return null;
        }

        var safe = new StringBuilder(tenant.Length);
        foreach (var c in tenant)
        {
            safe.Append(IsKept(c) ? c : '_');
        }

        return safe.ToString();
    }
}
