using System.Text.Json.Nodes;

namespace Replicator.Tests.Templates;

/// <summary>
/// Issue 20: the archive's disaster-recovery copy as seed 003 runs it. With ArchiveReplication on, the
/// secondary's stack holds the replica bucket and the primary's replicates into it, each value seed 003's
/// (or S3's only one), checked on the templates as deployed.
/// </summary>
public sealed class ArchiveReplicaTests
{
    internal const string PrimaryRegion = "us-east-1";
    internal const string SecondaryRegion = "us-east-2";

    /// <summary>The two stacks of a pair with the archive replicated: the primary in us-east-1, the secondary in us-east-2.</summary>
    internal static readonly Dictionary<string, string> Primary = new(TemplateTests.TwoTargets) { ["ArchiveReplication"] = "true" };

    internal static readonly Dictionary<string, string> Secondary = new()
    {
        ["RegionRole"] = "secondary",
        ["TargetStreamReplicationRegion"] = PrimaryRegion,
        ["ReplicationTargetRegions"] = PrimaryRegion,
        ["ArchiveReplication"] = "true",
    };

    [Fact]
    public void Only_the_secondary_holds_the_replica_and_only_the_primary_replicates_and_neither_unless_asked()
    {
        var (primary, secondary, off) = (Deployed(Primary), Deployed(Secondary), Deployed(new Dictionary<string, string>(TemplateTests.TwoTargets)));

        Assert.NotNull(primary.Resources["ArchiveBucket"]!["Properties"]!["ReplicationConfiguration"]);
        Assert.NotNull(primary.Resources["ArchiveReplicationRole"]);
        Assert.Null(primary.Resources["ArchiveReplicaBucket"]);
        Assert.NotNull(secondary.Resources["ArchiveReplicaBucket"]);
        Assert.NotNull(secondary.Resources["ArchiveReplicaBucketPolicy"]);
        Assert.Null(secondary.Resources["ArchiveBucket"]!["Properties"]!["ReplicationConfiguration"]);
        Assert.Null(secondary.Resources["ArchiveReplicationRole"]);
        Assert.Null(off.Resources["ArchiveReplicaBucket"]);
        Assert.Null(off.Resources["ArchiveBucket"]!["Properties"]!["ReplicationConfiguration"]);
        Assert.Empty(TemplateRules.References(primary));
        Assert.Empty(TemplateRules.References(secondary));
    }

    /// <summary>
    /// The primary names the replica by account and region, as the secondary creates it, and its key by the alias the
    /// secondary's stack gives its key: one switch, no ARNs to copy between stacks.
    /// </summary>
    [Fact]
    public void The_primarys_rules_reach_the_bucket_and_key_the_secondary_creates_within_S3s_replication_SLA()
    {
        var primary = new ConcreteTemplate(Deployed(Primary), PrimaryRegion, Primary);
        var secondary = new ConcreteTemplate(Deployed(Secondary), SecondaryRegion, Secondary);
        var configuration = primary.Resolve(Deployed(Primary).Resources["ArchiveBucket"]!["Properties"]!["ReplicationConfiguration"])!;
        var rules = configuration["Rules"]!.AsArray();
        var replicaAlias = (string)secondary.Resolve(Deployed(Secondary).Resources["ReplicatorKeyAlias"]!["Properties"]!["AliasName"])!;

        // The replay reads the archive and what Firehose put past its partition quota: both are copied.
        Assert.Equal(["archive/", Replicator.Replay.ArchiveOverflow.Prefix], rules.Select(r => (string)r!["Filter"]!["Prefix"]!));
        Assert.Equal(rules.Count, rules.Select(r => r!["Priority"]!.ToString()).Distinct().Count());
        Assert.All(rules, rule =>
        {
            var destination = rule!["Destination"]!;
            Assert.Equal(secondary.Arn("ArchiveReplicaBucket"), (string)destination["Bucket"]!);
            Assert.Equal($"arn:aws:kms:{SecondaryRegion}:{ConcreteTemplate.Account}:{replicaAlias}", (string)destination["EncryptionConfiguration"]!["ReplicaKmsKeyID"]!);
            Assert.Equal("Enabled", (string)rule["SourceSelectionCriteria"]!["SseKmsEncryptedObjects"]!["Status"]!);
            Assert.Equal("Disabled", (string)rule["DeleteMarkerReplication"]!["Status"]!);
            // Replication Time Control and its metrics: S3 takes 15 minutes only (ReplicationTimeValue: "Valid value: 15").
            Assert.Equal(("Enabled", "15"), ((string)destination["ReplicationTime"]!["Status"]!, destination["ReplicationTime"]!["Time"]!["Minutes"]!.ToString()));
            Assert.Equal(("Enabled", "15"), ((string)destination["Metrics"]!["Status"]!, destination["Metrics"]!["EventThreshold"]!["Minutes"]!.ToString()));
        });
        Assert.Equal(primary.RoleArn("ArchiveReplicationRole"), (string)configuration["Role"]!);
    }

    [Fact]
    public void The_replica_bucket_is_versioned_encrypted_with_its_regions_key_private_tls_only_and_tiered_as_the_archive()
    {
        var template = Deployed(Secondary);
        var replica = template.Resources["ArchiveReplicaBucket"]!["Properties"]!;
        var archive = template.Resources["ArchiveBucket"]!["Properties"]!;

        Assert.Equal("Enabled", (string)replica["VersioningConfiguration"]!["Status"]!);
        var encryption = replica["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!;
        Assert.Equal("aws:kms", (string)encryption["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]!);
        Assert.Equal("ReplicatorKey", (string)encryption["ServerSideEncryptionByDefault"]!["KMSMasterKeyID"]!["Fn::GetAtt"]![0]!);
        Assert.Equal("true", template.Resources["ReplicatorKey"]!["Properties"]!["EnableKeyRotation"]!.ToString().ToLowerInvariant());
        Assert.All(replica["PublicAccessBlockConfiguration"]!.AsObject(), setting => Assert.Equal("true", setting.Value!.ToString().ToLowerInvariant()));
        Assert.Equal(4, replica["PublicAccessBlockConfiguration"]!.AsObject().Count);
        // The same age tiers as the archive (seed 003: both buckets), so the copy costs what the original does.
        Assert.True(JsonNode.DeepEquals(archive["LifecycleConfiguration"], replica["LifecycleConfiguration"]));
        var tiering = replica["IntelligentTieringConfigurations"]![0]!;
        Assert.Equal("Enabled", (string)tiering["Status"]!);
        Assert.Equal(["ARCHIVE_ACCESS:90", "DEEP_ARCHIVE_ACCESS:180"], tiering["Tierings"]!.AsArray().Select(t => $"{t!["AccessTier"]}:{t["Days"]}"));
        var tls = template.Resources["ArchiveReplicaBucketPolicy"]!["Properties"]!["PolicyDocument"]!["Statement"]![0]!;
        Assert.Equal(("Deny", "false"), ((string)tls["Effect"]!, (string)tls["Condition"]!["Bool"]!["aws:SecureTransport"]!));
    }

    /// <summary>
    /// Seed 003's audit, opt-in: a trail of the archive's (and the replica's) object data events, nothing else, into a
    /// bucket only that trail writes, its logs encrypted with the region's key by that trail alone. Off: none of it.
    /// </summary>
    [Fact]
    public void Archive_data_events_are_logged_only_when_asked_and_only_for_the_archive_buckets()
    {
        var parameters = new Dictionary<string, string>(Secondary) { ["ArchiveDataEvents"] = "true" };
        var template = Deployed(parameters);
        var stack = new ConcreteTemplate(template, SecondaryRegion, parameters);
        var trail = stack.Resolve(template.Resources["ArchiveDataEventsTrail"]!["Properties"])!;
        var trailArn = $"arn:aws:cloudtrail:{SecondaryRegion}:{ConcreteTemplate.Account}:trail/{trail["TrailName"]}";
        var selectors = trail["AdvancedEventSelectors"]![0]!["FieldSelectors"]!.AsArray().ToDictionary(f => (string)f!["Field"]!, f => f);

        Assert.Equal(["Data"], selectors["eventCategory"]!["Equals"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(["AWS::S3::Object"], selectors["resources.type"]!["Equals"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(
            [$"{stack.Arn("ArchiveBucket")}/", $"{stack.Arn("ArchiveReplicaBucket")}/"],
            selectors["resources.ARN"]!["StartsWith"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(("true", "false"), (trail["EnableLogFileValidation"]!.ToString().ToLowerInvariant(), trail["IsMultiRegionTrail"]!.ToString().ToLowerInvariant()));
        Assert.Equal(stack.Arn("ReplicatorKey"), (string)trail["KMSKeyId"]!);
        var bucketPolicy = stack.Resolve(template.Resources["ArchiveTrailBucketPolicy"]!["Properties"]!["PolicyDocument"])!["Statement"]!.AsArray();
        Assert.All(bucketPolicy.Where(st => (string)st!["Effect"]! == "Allow"), st => Assert.Equal(trailArn, (string)st!["Condition"]!["StringEquals"]!["aws:SourceArn"]!));
        Assert.Equal($"{stack.Arn("ArchiveTrailBucket")}/AWSLogs/{ConcreteTemplate.Account}/*", (string)bucketPolicy.Single(st => (string)st!["Action"]! == "s3:PutObject")!["Resource"]!);
        var keyStatement = stack.Resolve(template.Resources["ReplicatorKey"]!["Properties"]!["KeyPolicy"])!["Statement"]!.AsArray().Single(st => (string?)st!["Sid"] == "ArchiveTrailEncryptsItsLogs")!;
        Assert.Equal(trailArn, (string)keyStatement["Condition"]!["StringEquals"]!["aws:SourceArn"]!);

        var off = Deployed(Secondary);
        Assert.Null(off.Resources["ArchiveDataEventsTrail"]);
        Assert.Null(off.Resources["ArchiveTrailBucket"]);
        Assert.DoesNotContain(off.Resources["ReplicatorKey"]!["Properties"]!["KeyPolicy"]!["Statement"]!.AsArray(), st => (string?)st?["Sid"] == "ArchiveTrailEncryptsItsLogs");
    }

    internal static CloudFormationTemplate Deployed(Dictionary<string, string> parameters) =>
        DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", parameters), parameters);
}
