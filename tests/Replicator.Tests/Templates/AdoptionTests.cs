using System.Text.Json.Nodes;

namespace Replicator.Tests.Templates;

/// <summary>A seed 004 installation adopted in place: its stream, its key and its tables are used, none created.</summary>
public sealed class AdoptionTests
{
    private const string SeedKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";

    private static readonly Dictionary<string, string> Adopting = new(TemplateTests.TwoTargets)
    {
        ["CreateInputStream"] = "false",
        ["SourceKMSKeyId"] = SeedKeyId,
    };

    [Fact]
    public void An_adopted_stream_is_read_by_name_and_decrypted_with_its_own_key_and_none_is_created()
    {
        var template = DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", TemplateTests.TwoTargets), Adopting);

        Assert.DoesNotContain(template.ResourcesOfType("AWS::Kinesis::Stream"), r => true);
        Assert.Empty(TemplateRules.References(template));
        var streamArn = "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${InputStreamName}";
        Assert.Equal(streamArn, template.Resources["RelayTouseast2"]!["Properties"]!["Events"]!["InputStream"]!["Properties"]!["Stream"]!["Fn::Sub"]!.ToString());
        Assert.Equal(streamArn, template.Resources["ArchiveDeliveryStream"]!["Properties"]!["KinesisStreamSourceConfiguration"]!["KinesisStreamARN"]!["Fn::Sub"]!.ToString());

        // Every role that reads the stream may decrypt it with the adopted stream's key.
        var readers = Roles(template).Where(r => Statements(r.Role).Any(s => Actions(s).Contains("kinesis:GetRecords") || r.Id == "ArchiveDeliveryRole")).ToList();
        Assert.Equal(["ArchiveDeliveryRole", "FailoverConsumersFunctionRole", "FailoverDrainFunctionRole", "LagMonitorFunctionRole", "RelayRoleToeuwest1", "RelayRoleTouseast2"], readers.Select(r => r.Id).Order());
        Assert.All(readers, r => Assert.Contains(
            Statements(r.Role).Where(s => Actions(s).Contains("kms:Decrypt")).SelectMany(s => s["Resource"] as JsonArray ?? []),
            resource => resource?["Fn::Sub"]?.ToString().EndsWith($":key/${{SourceKMSKeyId}}", StringComparison.Ordinal) == true));
    }

    [Fact]
    public void A_created_stream_is_retained_when_the_stack_goes_and_its_readers_wait_for_it()
    {
        var template = DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", TemplateTests.TwoTargets), TemplateTests.TwoTargets);

        var stream = template.Resources["InputStream"]!;
        Assert.Equal(("Retain", "Retain"), (stream["DeletionPolicy"]!.ToString(), stream["UpdateReplacePolicy"]!.ToString()));
        Assert.Equal("InputStream", template.Resources["RelayTouseast2"]!["Properties"]!["Events"]!["InputStream"]!["Properties"]!["Stream"]!["Fn::GetAtt"]![0]!.ToString());
        Assert.Equal("InputStream", template.Resources["ArchiveDeliveryStream"]!["Properties"]!["KinesisStreamSourceConfiguration"]!["KinesisStreamARN"]!["Fn::GetAtt"]![0]!.ToString());
        var broken = TemplateRules.References(template).ToList();
        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    [Fact]
    public void With_seed_004s_tables_in_place_the_tables_stack_creates_only_what_is_new()
    {
        var template = DeployedTemplate.With(CloudFormationTemplate.Load("ddb-template.yml"), new Dictionary<string, string> { ["CreateConfigAndCheckpointTables"] = "false" });

        Assert.Equal(["PositionsTable", "ReplayProgressTable"], template.Resources.Select(r => r.Key));
        Assert.Empty(TemplateRules.References(template));
    }

    private static IEnumerable<(string Id, JsonObject Role)> Roles(CloudFormationTemplate template) =>
        template.ResourcesOfType("AWS::IAM::Role").Select(r => (r.LogicalId, r.Properties));

    private static IEnumerable<JsonObject> Statements(JsonObject role) =>
        (role["Policies"] as JsonArray ?? []).SelectMany(p => p!["PolicyDocument"]!["Statement"]!.AsArray()).OfType<JsonObject>();

    private static HashSet<string> Actions(JsonObject statement) =>
        (statement["Action"] is JsonArray many ? many.Select(a => a!.ToString()) : [statement["Action"]!.ToString()]).ToHashSet(StringComparer.Ordinal);
}
