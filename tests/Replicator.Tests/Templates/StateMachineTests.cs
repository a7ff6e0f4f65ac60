using System.Diagnostics;
using System.Text.RegularExpressions;
using Replicator.Lambda;
using Replicator.LocalCloud;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.Failover;

namespace Replicator.Tests.Templates;

/// <summary>The definitions in statemachines/ are valid ASL and template.yaml deploys them with every placeholder filled.</summary>
public sealed partial class StateMachineTests
{
    private static readonly CloudFormationTemplate Template = CloudFormationTemplate.Load("template.yaml", TemplateTests.TwoTargets);

    public static TheoryData<string> Definitions => new(Directory.GetFiles(Path.Combine(RepositoryLayout.Root(), "statemachines"), "*.asl.json").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Definitions))]
    public async Task Definition_passes_the_asl_validator(string file)
    {
        var local = NodeTooling.LocalDirectory();
        await NodeTooling.EnsureEmulatorsInstalledAsync(local, CancellationToken.None);
        var start = new ProcessStartInfo("node") { WorkingDirectory = local, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(local, "node_modules", "asl-validator", "dist", "bin", "asl-validator.js"), "--json-path", Path.Combine(RepositoryLayout.Root(), "statemachines", file) })
        {
            start.ArgumentList.Add(argument);
        }

        using var validator = Process.Start(start)!;
        var output = await validator.StandardOutput.ReadToEndAsync() + await validator.StandardError.ReadToEndAsync();
        await validator.WaitForExitAsync();
        Assert.True(validator.ExitCode == 0, output);
    }

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Template_deploys_the_definition_filling_exactly_its_placeholders(string file)
    {
        var machine = Assert.Single(Template.ResourcesOfType("AWS::Serverless::StateMachine"), m => (string?)m.Properties["DefinitionUri"] == $"statemachines/{file}");
        var placeholders = Placeholder().Matches(File.ReadAllText(Path.Combine(RepositoryLayout.Root(), "statemachines", file))).Select(m => m.Groups[1].Value).ToHashSet();
        var substitutions = machine.Properties["DefinitionSubstitutions"]!.AsObject().Select(p => p.Key).ToHashSet();

        Assert.Equal(placeholders.Order(), substitutions.Order());
        Assert.Equal("ALL", (string?)machine.Properties["Logging"]?["Level"]);
        Assert.Equal("true", machine.Properties["Tracing"]?["Enabled"]?.ToString());
    }

    [Fact]
    public void The_local_failover_binds_each_function_placeholder_to_the_handler_the_template_binds_it_to()
    {
        var machine = Assert.Single(Template.ResourcesOfType("AWS::Serverless::StateMachine"), m => m.LogicalId == "FailoverStateMachine");
        var substitutions = machine.Properties["DefinitionSubstitutions"]!.AsObject();
        foreach (var (placeholder, handler) in LocalFailover.FunctionNames)
        {
            var function = (string)substitutions[placeholder]!["Fn::GetAtt"]![0]!;
            Assert.Equal(handler, (string?)Template.Resources[function]!["Properties"]!["Handler"]);
            Assert.Contains(handler, FunctionCatalog.Names);
        }
    }

    [Fact]
    public void The_failover_fence_outlasts_the_gate_cache_and_a_relay_invocation()
    {
        static double Number(System.Text.Json.Nodes.JsonNode? node) => double.Parse(node!.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        double Default(string parameter) => Number(Template.Parameters[parameter]!["Default"]);
        var relayTimeout = Number(Template.Resources["RelayTouseast2"]!["Properties"]!["Timeout"] ?? Template.Root["Globals"]!["Function"]!["Timeout"]);

        Assert.True(Default("FailoverFenceSeconds") >= Default("GateCacheTtlSeconds") + relayTimeout);
    }

    [GeneratedRegex(@"\$\{([A-Za-z0-9_]+)\}")]
    private static partial Regex Placeholder();
}
