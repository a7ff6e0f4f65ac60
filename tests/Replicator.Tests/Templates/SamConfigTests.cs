namespace Replicator.Tests.Templates;

/// <summary>What each <c>sam</c> command a user runs gets from samconfig.toml, resolved as SAM CLI resolves it.</summary>
public sealed class SamConfigTests
{
    /// <summary>The commands the docs tell users to run, with --config-env primary|secondary (or none: default).</summary>
    public static TheoryData<string, string> EnvironmentsAndCommands()
    {
        var data = new TheoryData<string, string>();
        foreach (var environment in new[] { "default", "primary", "secondary" })
        {
            foreach (var command in new[] { "build", "deploy", "validate", "local invoke", "sync" })
            {
                data.Add(environment, command);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EnvironmentsAndCommands))]
    public void Every_command_gets_the_stack_region_and_the_ForEach_expansion(string environment, string command)
    {
        var settings = SamConfig.Load().Resolve(environment, command);

        Assert.True(settings.TryGetValue("language_extensions", out var expand) && expand is true, $"sam {command} --config-env {environment} gets no language_extensions = true: template.yaml's Fn::ForEach is not expanded (SAM CLI >= 1.161.0)");
        Assert.True(settings.ContainsKey("region"), $"sam {command} --config-env {environment} gets no region");
        Assert.True(settings.ContainsKey("stack_name"), $"sam {command} --config-env {environment} gets no stack_name");
    }

    [Theory]
    [MemberData(nameof(EnvironmentsAndCommands))]
    public void Commands_that_read_the_template_get_every_parameter_without_a_default_and_only_real_ones(string environment, string command)
    {
        if (command == "validate")
        {
            return; // sam validate takes no parameter_overrides (samcli/commands/validate/validate.py)
        }

        var parameters = TemplateTests.MainTemplateParameters();
        var overrides = SamConfig.ParameterOverrides(SamConfig.Load().Resolve(environment, command));

        var unknown = overrides.Keys.Where(name => !parameters.ContainsKey(name)).ToList();
        var missing = parameters.Where(p => p.Value!["Default"] is null && !overrides.ContainsKey(p.Key)).Select(p => p.Key).ToList();
        Assert.True(unknown.Count == 0, $"sam {command} --config-env {environment}: template.yaml has no parameter {string.Join(", ", unknown)}");
        Assert.True(missing.Count == 0, $"sam {command} --config-env {environment}: no value for {string.Join(", ", missing)}, which has no default");
    }

    [Theory]
    [InlineData("primary", "us-east-1", "us-east-2")]
    [InlineData("secondary", "us-east-2", "us-east-1")]
    public void The_two_regions_relay_into_each_other(string environment, string region, string peer)
    {
        var config = SamConfig.Load();
        foreach (var command in new[] { "build", "deploy", "local invoke", "sync" })
        {
            var settings = config.Resolve(environment, command);
            var overrides = SamConfig.ParameterOverrides(settings);
            Assert.Equal(region, settings["region"]);
            Assert.Equal(peer, overrides["TargetStreamReplicationRegion"]);
            Assert.Equal(peer, overrides["ReplicationTargetRegions"]);
        }

        var deploy = config.Resolve(environment, "deploy");
        Assert.Equal(["CAPABILITY_AUTO_EXPAND", "CAPABILITY_NAMED_IAM"], ((string)deploy["capabilities"]).Split(' ').Order());
        Assert.Equal(true, deploy["resolve_s3"]);
        Assert.Contains("CAPABILITY_AUTO_EXPAND", (string)config.Resolve(environment, "sync")["capabilities"], StringComparison.Ordinal);
    }

    /// <summary>
    /// CloudFormation refuses a stack whose IAM resources carry custom names without CAPABILITY_NAMED_IAM:
    /// "If you have IAM resources with custom names, you must specify CAPABILITY_NAMED_IAM. If you don't
    /// specify this parameter, this action returns an InsufficientCapabilities error" (CreateStack API
    /// reference, Capabilities); other IAM resources need CAPABILITY_IAM or it. template.yaml names the
    /// tenant roles and the catalog sync's role (so the other region's stack can grant it).
    /// </summary>
    [Theory]
    [InlineData("default", "deploy")]
    [InlineData("default", "sync")]
    [InlineData("primary", "deploy")]
    [InlineData("primary", "sync")]
    [InlineData("secondary", "deploy")]
    [InlineData("secondary", "sync")]
    [InlineData("tables", "deploy")]
    [InlineData("dns", "deploy")]
    public void Every_deploy_gives_the_IAM_capability_its_template_needs(string environment, string command)
    {
        var settings = SamConfig.Load().Resolve(environment, command);
        var file = settings.TryGetValue("template_file", out var named) ? (string)named : "template.yaml";
        var resources = CloudFormationTemplate.Load(file, TemplateTests.TwoTargets).ResourcesOfType("AWS::IAM::").ToList();
        var customNamed = resources.Where(r => CustomNames.TryGetValue(r.Type, out var property) && r.Properties[property] is not null).Select(r => r.LogicalId).ToList();
        var capabilities = settings.TryGetValue("capabilities", out var given) ? ((string)given).Split(' ') : [];

        if (customNamed.Count > 0)
        {
            Assert.True(capabilities.Contains("CAPABILITY_NAMED_IAM"), $"sam {command} --config-env {environment}: {file} names {string.Join(", ", customNamed)}, which needs CAPABILITY_NAMED_IAM");
        }
        else if (resources.Count > 0)
        {
            Assert.True(capabilities.Intersect(["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]).Any(), $"sam {command} --config-env {environment}: {file} has IAM resources, which need CAPABILITY_IAM");
        }
    }

    /// <summary>The IAM resource types whose name a template may set, and the property that sets it (CloudFormation resource reference).</summary>
    private static readonly Dictionary<string, string> CustomNames = new()
    {
        ["AWS::IAM::Role"] = "RoleName",
        ["AWS::IAM::ManagedPolicy"] = "ManagedPolicyName",
        ["AWS::IAM::User"] = "UserName",
        ["AWS::IAM::Group"] = "GroupName",
        ["AWS::IAM::InstanceProfile"] = "InstanceProfileName",
    };

    [Fact]
    public void The_tables_deploy_once_from_the_primary_region_with_both_replicas()
    {
        var config = SamConfig.Load();
        var deploy = config.Resolve("tables", "deploy");
        var overrides = SamConfig.ParameterOverrides(deploy);

        Assert.Equal(0.1, Convert.ToDouble(config.Version, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("ddb-template.yml", deploy["template_file"]);
        Assert.Equal(config.Resolve("primary", "deploy")["region"], deploy["region"]);
        Assert.Equal((config.Resolve("primary", "deploy")["region"], config.Resolve("secondary", "deploy")["region"]), (overrides["PrimaryRegion"], overrides["SecondaryRegion"]));
        var tables = CloudFormationTemplate.Load("ddb-template.yml").Parameters;
        Assert.All(overrides.Keys, name => Assert.True(tables.ContainsKey(name), $"ddb-template.yml has no parameter {name}"));
    }

    /// <summary>
    /// ARC's configuration API is served from us-west-2 alone (Recovery Control Config API reference), so
    /// the DNS stack deploys from there, for the regions the replicator runs in, with the values the
    /// failover input's sample names.
    /// </summary>
    [Fact]
    public void The_dns_stack_deploys_from_us_west_2_for_the_replicators_regions_with_the_sample_events_values()
    {
        var config = SamConfig.Load();
        var deploy = config.Resolve("dns", "deploy");
        var overrides = SamConfig.ParameterOverrides(deploy);
        var template = CloudFormationTemplate.Load("dns-template.yml").Parameters;
        var sample = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Replicator.LocalCloud.RepositoryLayout.Root(), "events", "failover-routing-controls.json")))!["dns"]!;

        Assert.Equal(("dns-template.yml", "us-west-2", true), (deploy["template_file"], deploy["region"], deploy["language_extensions"]));
        Assert.Contains("CAPABILITY_AUTO_EXPAND", (string)deploy["capabilities"], StringComparison.Ordinal);
        Assert.All(overrides.Keys, name => Assert.True(template.ContainsKey(name), $"dns-template.yml has no parameter {name}"));
        Assert.All(template.Where(p => p.Value!["Default"] is null), p => Assert.True(overrides.ContainsKey(p.Key), $"sam deploy --config-env dns gives no {p.Key}"));
        Assert.Equal(
            new[] { "primary", "secondary" }.Select(env => (string)config.Resolve(env, "deploy")["region"]).Order(),
            overrides["Regions"].Split(',').Order());
        Assert.Equal(((string?)sample["hostedZoneId"], (string?)sample["recordName"], (string?)sample["holdValue"]), (overrides["HostedZoneId"], overrides["RecordName"], overrides["HoldValue"]));
        Assert.Equal((string?)sample["sourceValue"], $"us-east-1.{overrides["IngressDomain"]}");
    }

    /// <summary><c>sam local invoke -e events/…</c> and the CLI's <c>--input events/…</c> name the regions samconfig deploys.</summary>
    [Fact]
    public void Sample_events_name_only_the_regions_samconfig_deploys()
    {
        var config = SamConfig.Load();
        var regions = new[] { "primary", "secondary" }.Select(env => (string)config.Resolve(env, "deploy")["region"]).ToHashSet();
        var root = Replicator.LocalCloud.RepositoryLayout.Root();
        foreach (var file in Directory.GetFiles(Path.Combine(root, "events"), "*.json"))
        {
            foreach (var (field, value) in RegionFields(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))))
            {
                Assert.True(regions.Contains(value), $"events/{Path.GetFileName(file)}: {field} is {value}, but samconfig.toml deploys {string.Join(" and ", regions)}");
            }
        }
    }

    /// <summary>Every field naming a region, except an ARC cluster's endpoints, which are in ARC's own five regions, not the stack's.</summary>
    private static IEnumerable<(string Field, string Value)> RegionFields(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        System.Text.Json.Nodes.JsonObject o => o.Where(p => p.Key != "clusterEndpoints").SelectMany(p => p.Key.EndsWith("egion", StringComparison.Ordinal) && p.Value is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var region)
            ? [(p.Key, region)]
            : RegionFields(p.Value)),
        System.Text.Json.Nodes.JsonArray a => a.SelectMany(RegionFields),
        _ => [],
    };

    /// <summary>The resolution itself: a file that sets only [default.*] gives --config-env primary nothing (no fallback).</summary>
    [Fact]
    public void An_environment_gets_nothing_from_default_and_its_command_table_wins_over_global()
    {
        var config = SamConfig.Parse("""
            version = 0.1
            [default.build.parameters]
            language_extensions = true
            [primary.global.parameters]
            region = "us-east-1"
            cached = false
            [primary.build.parameters]
            cached = true
            [primary.local_invoke.parameters]
            parallel = true
            """);

        Assert.False(config.Resolve("primary", "build").ContainsKey("language_extensions"));
        Assert.Equal(true, config.Resolve("primary", "build")["cached"]);
        Assert.Equal(false, config.Resolve("primary", "deploy")["cached"]);
        Assert.Equal("us-east-1", config.Resolve("primary", "deploy")["region"]);
        Assert.Equal(true, config.Resolve("primary", "local invoke")["parallel"]);
        Assert.Empty(config.Resolve("secondary", "build"));
    }
}
