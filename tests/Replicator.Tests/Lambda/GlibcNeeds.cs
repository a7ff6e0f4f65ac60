using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Replicator.Tests.Lambda;

/// <summary>One undefined dynamic symbol of an ELF file and the glibc version it is bound to, e.g. <c>__libc_start_main</c> at <c>2.34</c>.</summary>
public sealed record GlibcNeed(string Symbol, string Version)
{
    /// <summary>A version that is not numeric (GLIBC_PRIVATE) is newer than any bound: no other glibc promises it.</summary>
    public bool IsNewerThan(Version bound) =>
        !System.Version.TryParse(Version, out var version) || Normalized(version) > Normalized(bound);

    public override string ToString() => $"{Symbol}@GLIBC_{Version}";

    private static Version Normalized(Version version) => new(version.Major, version.Minor, Math.Max(version.Build, 0));
}

/// <summary>Which glibc symbol versions an executable needs, read from <c>objdump -T</c> (binutils).</summary>
public static partial class GlibcNeeds
{
    /// <summary>Amazon Linux 2023, which the provided.al2023 runtime runs on, ships glibc 2.34.</summary>
    public static readonly Version AmazonLinux2023 = new(2, 34);

    /// <summary>Every undefined symbol bound to a GLIBC_ version, from <c>objdump -T</c> lines (with or without parentheses around the version, as binutils versions print it).</summary>
    public static IReadOnlyList<GlibcNeed> Parse(string objdumpOutput) =>
        objdumpOutput.Split('\n')
            .Select(line => UndefinedGlibcSymbol().Match(line))
            .Where(match => match.Success)
            .Select(match => new GlibcNeed(match.Groups["symbol"].Value, match.Groups["version"].Value))
            .ToArray();

    public static IReadOnlyList<GlibcNeed> NewerThan(IEnumerable<GlibcNeed> needs, Version bound) =>
        needs.Where(need => need.IsNewerThan(bound)).ToArray();

    public static async Task<IReadOnlyList<GlibcNeed>> ReadAsync(string elfFile)
    {
        var objdump = new ProcessStartInfo("objdump", ["-T", "--wide", elfFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(objdump)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("objdump (binutils) reads the bootstrap's glibc needs: install binutils.", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0
                ? Parse(await output)
                : throw new InvalidOperationException($"objdump -T {elfFile} failed with exit code {process.ExitCode}: {await errors}");
        }
    }

    // 0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.34) __libc_start_main
    [GeneratedRegex(@"\*UND\*\s+[0-9a-fA-F]+\s+\(?GLIBC_(?<version>[^\s)]+)\)?\s+(?<symbol>\S+)\s*$")]
    private static partial Regex UndefinedGlibcSymbol();
}
