using System.CommandLine;
using Replicator.Cli;

namespace Replicator.Tests.Cli;

/// <summary>The CLI calls itself what operators type, <c>replicator</c>, whatever the executable is named.</summary>
public sealed class ReplicatorCommandTests
{
    [Fact]
    public void The_root_command_is_named_replicator()
    {
        Assert.Equal("replicator", ReplicatorCommand.Create().Name);
    }

    [Fact]
    public void Help_shows_usage_as_replicator()
    {
        var (exitCode, output) = Invoke("--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("Usage:\n  replicator [command] [options]", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("Replicator.Cli", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Subcommand_help_names_the_root_and_version_is_answered()
    {
        Assert.Contains("replicator status [options]", Invoke("status", "--help").Output, StringComparison.Ordinal);
        Assert.Equal(0, Invoke("--version").ExitCode);
    }

    private static (int ExitCode, string Output) Invoke(params string[] args)
    {
        using var output = new StringWriter();
        var exitCode = ReplicatorCommand.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = output });
        return (exitCode, output.ToString());
    }
}
