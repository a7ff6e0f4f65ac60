using System.Text.Json.Nodes;
using Replicator.LocalCloud.Iam;
using static Replicator.Tests.Templates.IamSimulator;

namespace Replicator.Tests.Templates;

/// <summary>
/// Issue 19: each tenant's role, as template.yaml deploys it with three tenants, reads its own prefix of the
/// archive and nothing else, and only the tenant's account (with the external id) may assume it. Every
/// decision is the IAM policy simulator's, with the bucket's policy beside S3 requests and the key's
/// policy beside KMS requests, as those services evaluate them.
/// </summary>
public sealed class TenantRoleTests
{
    private const string Region = "us-east-1";
    private const string AcmeAccount = "444455556666";
    private const string GlobexReader = "arn:aws:iam::777788889999:role/analytics";
    private static readonly string[] Tenants = ["acme", "globex", "initech"];

    private static readonly Dictionary<string, string> Parameters = new(TemplateTests.TwoTargets)
    {
        ["ArchiveTenantField"] = "tenant",
        ["Tenants"] = string.Join(',', Tenants),
        ["TenantReaders"] = $"acme={AcmeAccount},globex={GlobexReader}",
    };

    private static readonly CloudFormationTemplate Deployed = DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", Parameters), Parameters);
    private static readonly ConcreteTemplate Stack = new(Deployed, Region, Parameters);
    private static readonly string Bucket = Stack.Arn("ArchiveBucket");
    private static readonly string Key = Stack.Arn("ReplicatorKey");
    private static readonly JsonNode BucketPolicy = Stack.Resolve(Deployed.Resources["ArchiveBucketPolicy"]!["Properties"]!["PolicyDocument"])!;
    private static readonly JsonNode KeyPolicy = Stack.Resolve(Deployed.Resources["ReplicatorKey"]!["Properties"]!["KeyPolicy"])!;

    [Fact]
    public void Each_tenant_gets_one_role_named_for_it_and_no_tenants_get_none()
    {
        Assert.Equal(Tenants.Select(t => $"arn:aws:iam::{ConcreteTemplate.Account}:role/kinesis-replicator-tenant-{t}-{Region}"), Tenants.Select(t => Stack.RoleArn(Role(t))));
        Assert.Equal(Tenants.Select(Role), Deployed.ResourcesOfType("AWS::IAM::Role").Select(r => r.LogicalId).Where(id => id.StartsWith("TenantRole", StringComparison.Ordinal)));
        Assert.Equal(Tenants.Select(t => $"TenantRoleArn{t}"), Deployed.Root["Outputs"]!.AsObject().Select(o => o.Key).Where(k => k.StartsWith("TenantRoleArn", StringComparison.Ordinal)));

        var none = DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", TemplateTests.TwoTargets), TemplateTests.TwoTargets);
        Assert.DoesNotContain(none.Resources, r => r.Key.StartsWith("TenantRole", StringComparison.Ordinal));
        Assert.DoesNotContain(none.Root["Outputs"]!.AsObject(), o => o.Key.StartsWith("TenantRoleArn", StringComparison.Ordinal));
    }

    /// <summary>Ids that differ only in the characters a logical id drops would name one resource twice: the deploy is refused.</summary>
    [Fact]
    public void Tenant_ids_that_name_the_same_resources_are_refused()
    {
        var colliding = new Dictionary<string, string>(Parameters) { ["Tenants"] = "acme-1,acme_1" };
        var error = Assert.Throws<InvalidOperationException>(() => CloudFormationTemplate.Load("template.yaml", colliding));
        Assert.Contains("TenantRoleacme1", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Statically, beside the simulator: a tenant role's statements name only its own prefix, the archive bucket and
    /// the region's key, with no wildcard action or Not* element, and neither the template nor the SAM transform
    /// attaches a managed policy to it.
    /// </summary>
    [Fact]
    public void A_tenant_roles_statements_name_only_its_own_prefix_the_bucket_and_the_key()
    {
        foreach (var tenant in Tenants)
        {
            var own = $"{Bucket}/archive/stream=*/hour=*/tenant={tenant}/*";
            var statements = Stack.RolePolicies(Role(tenant)).SelectMany(p => p["Statement"]!.AsArray()).ToList();
            Assert.NotEmpty(statements);
            foreach (var statement in statements)
            {
                Assert.Equal("Allow", statement!["Effect"]!.ToString());
                Assert.Null(statement["NotAction"]);
                Assert.Null(statement["NotResource"]);
                Assert.All(Values(statement["Action"]), a => Assert.Contains(a, new[] { "s3:ListBucket", "s3:GetObject", "kms:Decrypt" }));
                Assert.All(Values(statement["Resource"]), r => Assert.Contains(r, new[] { Bucket, own, Key }));
            }

            var prefixes = statements.Select(s => s!["Condition"]?["StringLike"]?["s3:prefix"]).OfType<JsonNode>().SelectMany(Values).ToList();
            Assert.Equal([$"archive/stream=*/hour=*/tenant={tenant}/*"], prefixes);
        }

        var managed = SamTransformRoles.ManagedPolicies(Deployed).Where(r => r.Owner.StartsWith("TenantRole", StringComparison.Ordinal)).ToList();
        Assert.Equal(Tenants.Length, managed.Count);
        Assert.All(managed, r => Assert.Empty(r.ManagedPolicies));
    }

    [Fact]
    public async Task A_tenant_lists_and_reads_its_own_prefix_and_no_other()
    {
        var questions = new List<(IamQuestion, string)>();
        foreach (var tenant in Tenants)
        {
            foreach (var other in Tenants)
            {
                var expected = other == tenant ? "Allowed" : "ImplicitlyDenied";
                var prefix = $"archive/stream=kds-stream-1/hour=2026-12-02-09/tenant={other}/";
                questions.Add((S3(tenant, "s3:ListBucket", Bucket) with { Context = Secure(new() { ["s3:prefix"] = prefix }) }, expected));
                questions.Add((S3(tenant, "s3:ListBucket", Bucket) with { Context = Secure(new() { ["s3:prefix"] = $"{prefix}bucket=03/" }) }, expected));
                questions.Add((S3(tenant, "s3:GetObject", $"{Bucket}/{prefix}bucket=03/part-0.gz"), expected));
            }

            // Not the hour (every tenant's), the whole bucket, the no-tenant prefix, or the overflow (tenants mixed).
            foreach (var prefix in new[] { "archive/stream=kds-stream-1/hour=2026-12-02-09/", "archive/", "", "archive/stream=kds-stream-1/hour=2026-12-02-09/tenant=_none/", "archive-errors/activePartitionExceeded/2026/12/02/" })
            {
                questions.Add((S3(tenant, "s3:ListBucket", Bucket) with { Context = Secure(new() { ["s3:prefix"] = prefix }) }, "ImplicitlyDenied"));
            }

            // A tenant whose id starts another's reaches only its own.
            questions.Add((S3(tenant, "s3:GetObject", $"{Bucket}/archive/stream=kds-stream-1/hour=2026-12-02-09/tenant={tenant}2/bucket=03/part-0.gz"), "ImplicitlyDenied"));
            questions.Add((S3(tenant, "s3:GetObject", $"{Bucket}/archive-errors/activePartitionExceeded/2026/12/02/part-0"), "ImplicitlyDenied"));
            var own = $"archive/stream=kds-stream-1/hour=2026-12-02-09/tenant={tenant}/bucket=03/part-0.gz";
            questions.Add((S3(tenant, "s3:GetObject", $"arn:aws:s3:::kinesis-replicator-archive-replica-{ConcreteTemplate.Account}-us-east-2/{own}"), "ImplicitlyDenied"));
            questions.Add((S3(tenant, "s3:GetObject", $"arn:aws:s3:::another-teams-bucket/{own}"), "ImplicitlyDenied"));
            questions.Add((S3(tenant, "s3:PutObject", $"{Bucket}/{own}"), "ImplicitlyDenied"));
            questions.Add((S3(tenant, "s3:DeleteObject", $"{Bucket}/{own}"), "ImplicitlyDenied"));
            questions.Add((S3(tenant, "s3:GetObjectVersion", $"{Bucket}/{own}"), "ImplicitlyDenied"));
            questions.Add((S3(tenant, "s3:RestoreObject", $"{Bucket}/{own}"), "ImplicitlyDenied"));
            questions.Add((S3(tenant, "s3:GetBucketPolicy", Bucket), "ImplicitlyDenied"));
            // The bucket policy refuses plain HTTP to everyone, the tenant too.
            questions.Add((S3(tenant, "s3:GetObject", $"{Bucket}/{own}") with { Context = new() { ["aws:SecureTransport"] = "false" } }, "ExplicitlyDenied"));
        }

        await AssertDecisionsAsync(questions);
    }

    [Fact]
    public async Task A_tenant_decrypts_only_through_S3_here_and_reaches_nothing_else()
    {
        var questions = new List<(IamQuestion, string)>();
        foreach (var tenant in Tenants)
        {
            questions.Add((Kms(tenant, "kms:Decrypt", $"s3.{Region}.amazonaws.com"), "Allowed"));
            questions.Add((Kms(tenant, "kms:Decrypt", "s3.us-east-2.amazonaws.com"), "ImplicitlyDenied"));
            questions.Add((Kms(tenant, "kms:Decrypt", $"kinesis.{Region}.amazonaws.com"), "ImplicitlyDenied"));
            questions.Add((Kms(tenant, "kms:Decrypt", $"logs.{Region}.amazonaws.com"), "ImplicitlyDenied"));
            questions.Add((Kms(tenant, "kms:Decrypt", null), "ImplicitlyDenied"));
            questions.Add((Kms(tenant, "kms:GenerateDataKey", $"s3.{Region}.amazonaws.com"), "ImplicitlyDenied"));
            questions.Add((Kms(tenant, "kms:Encrypt", $"s3.{Region}.amazonaws.com"), "ImplicitlyDenied"));

            // Nothing of the rest of the stack: its stream, tables, functions or catalog.
            var role = Role(tenant);
            questions.Add((new IamQuestion(Stack.RoleArn(role), "kinesis:GetRecords", $"arn:aws:kinesis:{Region}:{ConcreteTemplate.Account}:stream/kds-stream-1", Stack.RolePolicies(role)), "ImplicitlyDenied"));
            questions.Add((new IamQuestion(Stack.RoleArn(role), "dynamodb:GetItem", $"arn:aws:dynamodb:{Region}:{ConcreteTemplate.Account}:table/kdsReplicationCheckpoint", Stack.RolePolicies(role)), "ImplicitlyDenied"));
            questions.Add((new IamQuestion(Stack.RoleArn(role), "lambda:InvokeFunction", $"arn:aws:lambda:{Region}:{ConcreteTemplate.Account}:function:kinesis-replicator-replay-plan-{Region}", Stack.RolePolicies(role)), "ImplicitlyDenied"));
            questions.Add((new IamQuestion(Stack.RoleArn(role), "sts:AssumeRole", Stack.RoleArn(Role(Tenants.First(t => t != tenant))), Stack.RolePolicies(role)), "ImplicitlyDenied"));
        }

        await AssertDecisionsAsync(questions);
    }

    /// <summary>
    /// The trust policy, as STS evaluates it for a caller in another account (whose own policy allows the call): the
    /// tenant's reader with the external id may assume the tenant's role; without it, with another tenant's, or as
    /// another tenant's reader, not. A tenant without a reader pair is assumable from this account only.
    /// </summary>
    [Fact]
    public async Task Only_the_tenants_reader_with_the_external_id_assumes_its_role()
    {
        var readers = new Dictionary<string, string>
        {
            ["acme"] = $"arn:aws:iam::{AcmeAccount}:role/anyone-acme-allows",
            ["globex"] = GlobexReader,
            ["initech"] = $"arn:aws:iam::{ConcreteTemplate.Account}:role/operator",
        };
        var questions = new List<(IamQuestion, string)>();
        foreach (var tenant in Tenants)
        {
            foreach (var (readerOf, caller) in readers)
            {
                questions.Add((Assume(tenant, caller, $"kinesis-replicator-{tenant}"), readerOf == tenant ? "Allowed" : "ImplicitlyDenied"));
            }

            questions.Add((Assume(tenant, readers[tenant], null), "ImplicitlyDenied"));
            questions.Add((Assume(tenant, readers[tenant], $"kinesis-replicator-{Tenants.First(t => t != tenant)}"), "ImplicitlyDenied"));
        }

        // globex named one role: another role of the same account is not it.
        questions.Add((Assume("globex", "arn:aws:iam::777788889999:role/someone-else", "kinesis-replicator-globex"), "ImplicitlyDenied"));
        await AssertDecisionsAsync(questions);
    }

    private static string Role(string tenant) => $"TenantRole{tenant}";

    private static IamQuestion S3(string tenant, string action, string resource) =>
        new(Stack.RoleArn(Role(tenant)), action, resource, Stack.RolePolicies(Role(tenant)))
        {
            Context = Secure([]),
            ResourcePolicy = resource.StartsWith(Bucket, StringComparison.Ordinal) ? BucketPolicy : null,
        };

    private static IamQuestion Kms(string tenant, string action, string? viaService) =>
        new(Stack.RoleArn(Role(tenant)), action, Key, Stack.RolePolicies(Role(tenant)))
        {
            Context = viaService is null ? [] : new() { ["kms:ViaService"] = viaService },
            ResourcePolicy = KeyPolicy,
        };

    /// <summary>A caller whose own account lets it call sts:AssumeRole on anything, so the trust policy decides.</summary>
    private static IamQuestion Assume(string tenant, string caller, string? externalId)
    {
        var callerMayAssume = JsonNode.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}""")!;
        var trust = Stack.Resolve(Deployed.Resources[Role(tenant)]!["Properties"]!["AssumeRolePolicyDocument"])!;
        return new IamQuestion(caller, "sts:AssumeRole", Stack.RoleArn(Role(tenant)), [callerMayAssume])
        {
            Context = externalId is null ? [] : new() { ["sts:ExternalId"] = externalId },
            ResourcePolicy = trust,
        };
    }

    private static Dictionary<string, string> Secure(Dictionary<string, string> context)
    {
        context["aws:SecureTransport"] = "true";
        return context;
    }

    private static IEnumerable<string> Values(JsonNode? node) => node switch
    {
        JsonArray list => list.Select(v => v!.ToString()),
        null => [],
        _ => [node.ToString()],
    };
}
