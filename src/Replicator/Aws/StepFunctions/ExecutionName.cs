using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Replicator.Aws.StepFunctions;

/// <summary>
/// Execution names as StartExecution accepts them: 1 to 80 characters, none of whitespace, brackets,
/// wildcards, <c>"#%\^|~`$&amp;,;:/</c> or control characters (Step Functions API reference, StartExecution).
/// A stream name alone may be 128 characters, so a long subject is cut and keeps a hash of its whole
/// text: two long stream names that differ only at the end still get different names.
/// </summary>
public static class ExecutionName
{
    public const int MaxLength = 80;

    private const string Forbidden = " \t\r\n<>{}[]?*\"#%\\^|~`$&,;:/";

    /// <summary><c>{subject}-{yyyyMMddHHmmss}</c>, the subject shortened (with a hash of it) when the whole would be too long.</summary>
    public static string For(string subject, DateTime utcNow)
    {
        var clean = new string(subject.Select(c => IsAllowed(c) ? c : '-').ToArray());
        var stamp = utcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        if (clean.Length + 1 + stamp.Length <= MaxLength)
        {
            return $"{clean}-{stamp}";
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject)).AsSpan(0, 4));
        return $"{clean[..(MaxLength - stamp.Length - hash.Length - 2)]}-{hash}-{stamp}";
    }

    /// <summary>Why StartExecution would refuse <paramref name="name"/>, or null when it accepts it.</summary>
    public static string? Problem(string name) =>
        name.Length is 0 or > MaxLength ? $"is {name.Length} characters; 1 to {MaxLength} are allowed"
        : name.FirstOrDefault(c => !IsAllowed(c)) is var bad && bad != default ? $"contains '{bad}', which execution names may not"
        : null;

    private static bool IsAllowed(char c) => !char.IsControl(c) && !Forbidden.Contains(c, StringComparison.Ordinal);
}
