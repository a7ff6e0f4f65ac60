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
    /// Statically, beside the simulator: a tenant role's statements name only its own prefixes (archive and query
    /// results), its own table and workgroup, the archive bucket and the region's key, with no wildcard action or
    /// Not* element (Lake Formation's GetDataAccess, which takes only Resource *, only with TenantLakeFormation),
    /// and neither the template nor the SAM transform attaches a managed policy to it.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_tenant_roles_statements_name_only_its_own_prefixes_table_and_workgroup_the_bucket_and_the_key(bool lakeFormation)
    {
        var parameters = new Dictionary<string, string>(Parameters) { ["TenantLakeFormation"] = lakeFormation ? "true" : "false" };
        var stack = new ConcreteTemplate(DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", parameters), parameters), Region, parameters);
        string[] actions =
        [
            "s3:ListBucket", "s3:GetObject", "kms:Decrypt", "glue:GetDatabase", "glue:GetTable", "glue:GetPartitions",
            "athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution", "athena:GetWorkGroup",
            "s3:PutObject", "s3:AbortMultipartUpload", "s3:GetBucketLocation", "kms:GenerateDataKey",
        ];
        foreach (var tenant in Tenants)
        {
            string[] resources =
            [
                Bucket, $"{Bucket}/archive/stream=*/hour=*/tenant={tenant}/*", Key, $"{Bucket}/athena-results/tenant={tenant}/*",
                $"arn:aws:glue:{Region}:{ConcreteTemplate.Account}:catalog",
                $"arn:aws:glue:{Region}:{ConcreteTemplate.Account}:database/kinesis_replicator_archive",
                $"arn:aws:glue:{Region}:{ConcreteTemplate.Account}:table/kinesis_replicator_archive/records_{tenant}",
                $"arn:aws:athena:{Region}:{ConcreteTemplate.Account}:workgroup/kinesis-replicator-{tenant}-{Region}",
            ];
            var statements = stack.RolePolicies(Role(tenant)).SelectMany(p => p["Statement"]!.AsArray()).ToList();
            Assert.NotEmpty(statements);
            foreach (var statement in statements.Where(s => (string?)s!["Sid"] != "UseLakeFormationGrants"))
            {
                Assert.Equal("Allow", statement!["Effect"]!.ToString());
                Assert.Null(statement["NotAction"]);
                Assert.Null(statement["NotResource"]);
                Assert.All(TemplateRules.Strings(statement["Action"]), a => Assert.Contains(a, actions));
                Assert.All(TemplateRules.Strings(statement["Resource"]), r => Assert.Contains(r, resources));
            }

            var lakeFormationStatements = statements.Where(s => (string?)s!["Sid"] == "UseLakeFormationGrants").ToList();
            Assert.Equal(lakeFormation ? 1 : 0, lakeFormationStatements.Count);
            Assert.All(lakeFormationStatements, s => Assert.Equal(("lakeformation:GetDataAccess", "*"), (string.Join(',', TemplateRules.Strings(s!["Action"])), string.Join(',', TemplateRules.Strings(s["Resource"])))));
            var prefixes = statements.Select(s => s!["Condition"]?["StringLike"]?["s3:prefix"]).OfType<JsonNode>().SelectMany(TemplateRules.Strings).ToList();
            Assert.Equal([$"archive/stream=*/hour=*/tenant={tenant}/*", $"athena-results/tenant={tenant}/*"], prefixes);
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
            // Encrypting through S3: its query results, the one place it may write (below).
            questions.Add((Kms(tenant, "kms:GenerateDataKey", $"s3.{Region}.amazonaws.com"), "Allowed"));
            questions.Add((Kms(tenant, "kms:GenerateDataKey", $"kinesis.{Region}.amazonaws.com"), "ImplicitlyDenied"));
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
    /// Athena: a tenant reads its own table's definition and runs queries in its own workgroup, whose results it
    /// writes and reads under its own prefix; not the shared table (every tenant's rows), another tenant's table,
    /// workgroup or results, nor a write anywhere in the archive.
    /// </summary>
    [Fact]
    public async Task A_tenant_queries_its_own_table_in_its_own_workgroup_and_nothing_else()
    {
        var glue = $"arn:aws:glue:{Region}:{ConcreteTemplate.Account}";
        var questions = new List<(IamQuestion, string)>();
        foreach (var tenant in Tenants)
        {
            IamQuestion As(string action, string resource) => new(Stack.RoleArn(Role(tenant)), action, resource, Stack.RolePolicies(Role(tenant)));
            questions.Add((As("glue:GetDatabase", $"{glue}:database/kinesis_replicator_archive"), "Allowed"));
            questions.Add((As("glue:GetTable", $"{glue}:table/kinesis_replicator_archive/records_{tenant}"), "Allowed"));
            questions.Add((As("glue:GetPartitions", $"{glue}:table/kinesis_replicator_archive/records_{tenant}"), "Allowed"));
            questions.Add((As("glue:GetTable", $"{glue}:table/kinesis_replicator_archive/records"), "ImplicitlyDenied"));
            questions.Add((As("glue:UpdateTable", $"{glue}:table/kinesis_replicator_archive/records_{tenant}"), "ImplicitlyDenied"));
            questions.Add((As("glue:GetTables", $"{glue}:database/kinesis_replicator_archive"), "ImplicitlyDenied"));
            questions.Add((As("athena:StartQueryExecution", $"arn:aws:athena:{Region}:{ConcreteTemplate.Account}:workgroup/kinesis-replicator-{tenant}-{Region}"), "Allowed"));
            questions.Add((As("athena:StartQueryExecution", $"arn:aws:athena:{Region}:{ConcreteTemplate.Account}:workgroup/primary"), "ImplicitlyDenied"));
            questions.Add((As("athena:UpdateWorkGroup", $"arn:aws:athena:{Region}:{ConcreteTemplate.Account}:workgroup/kinesis-replicator-{tenant}-{Region}"), "ImplicitlyDenied"));
            questions.Add((S3(tenant, "s3:PutObject", $"{Bucket}/athena-results/tenant={tenant}/query-1.csv"), "Allowed"));
            questions.Add((S3(tenant, "s3:GetObject", $"{Bucket}/athena-results/tenant={tenant}/query-1.csv"), "Allowed"));
            questions.Add((S3(tenant, "s3:GetBucketLocation", Bucket), "Allowed"));
            questions.Add((S3(tenant, "s3:PutObject", $"{Bucket}/archive/stream=kds-stream-1/hour=2026-12-02-09/tenant={tenant}/bucket=00/forged.gz"), "ImplicitlyDenied"));
            foreach (var other in Tenants.Where(t => t != tenant))
            {
                questions.Add((As("glue:GetTable", $"{glue}:table/kinesis_replicator_archive/records_{other}"), "ImplicitlyDenied"));
                questions.Add((As("athena:GetQueryResults", $"arn:aws:athena:{Region}:{ConcreteTemplate.Account}:workgroup/kinesis-replicator-{other}-{Region}"), "ImplicitlyDenied"));
                questions.Add((S3(tenant, "s3:GetObject", $"{Bucket}/athena-results/tenant={other}/query-1.csv"), "ImplicitlyDenied"));
                questions.Add((S3(tenant, "s3:ListBucket", Bucket) with { Context = Secure(new() { ["s3:prefix"] = $"athena-results/tenant={other}/" }) }, "ImplicitlyDenied"));
            }
        }

        await AssertDecisionsAsync(questions);
    }

    /// <summary>
    /// Each tenant's table is the shared archive table with the tenant fixed in its location (so a query of it reaches
    /// only the tenant's prefixes), with the same columns, format and projections; with TenantLakeFormation each tenant's
    /// role is granted DESCRIBE and SELECT on its own table and nothing else, and without it there are no grants.
    /// </summary>
    [Fact]
    public void A_tenants_table_is_the_archive_table_fixed_to_its_prefixes_and_lake_formation_grants_it_alone()
    {
        var shared = Deployed.Resources["ArchiveTable"]!["Properties"]!["TableInput"]!;
        foreach (var tenant in Tenants)
        {
            var table = Deployed.Resources[$"TenantTable{tenant}"]!["Properties"]!["TableInput"]!;
            Assert.Equal($"records_{tenant}", table["Name"]!.ToString());
            Assert.True(JsonNode.DeepEquals(shared["StorageDescriptor"], table["StorageDescriptor"]), $"records_{tenant}'s storage descriptor differs from the archive table's");
            Assert.Equal(
                Stack.Resolve(shared["Parameters"])!.AsObject().Where(p => !p.Key.StartsWith("projection.tenant", StringComparison.Ordinal) && p.Key != "storage.location.template").Select(p => (p.Key, p.Value!.ToString())),
                Stack.Resolve(table["Parameters"])!.AsObject().Where(p => p.Key != "storage.location.template").Select(p => (p.Key, p.Value!.ToString())));
            Assert.Equal(
                Stack.Resolve(shared["Parameters"]!["storage.location.template"])!.ToString().Replace("tenant=${tenant}", $"tenant={tenant}", StringComparison.Ordinal),
                Stack.Resolve(table["Parameters"]!["storage.location.template"])!.ToString());
            Assert.Equal(shared["PartitionKeys"]!.AsArray().Where(k => (string?)k!["Name"] != "tenant").Select(k => k!.ToJsonString()), table["PartitionKeys"]!.AsArray().Select(k => k!.ToJsonString()));
        }

        var expiry = Deployed.Resources["ArchiveBucket"]!["Properties"]!["LifecycleConfiguration"]!["Rules"]!.AsArray().Single(r => (string?)r!["Id"] == "ExpireTenantQueryResults")!;
        Assert.Equal(("athena-results/", "7"), (expiry["Prefix"]!.ToString(), expiry["ExpirationInDays"]!.ToString()));
        Assert.DoesNotContain(Deployed.ResourcesOfType("AWS::LakeFormation::PrincipalPermissions"), r => r.LogicalId.StartsWith("Tenant", StringComparison.Ordinal));
        var parameters = new Dictionary<string, string>(Parameters) { ["TenantLakeFormation"] = "true" };
        var withLakeFormation = DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", parameters), parameters);
        var stack = new ConcreteTemplate(withLakeFormation, Region, parameters);
        var grants = withLakeFormation.ResourcesOfType("AWS::LakeFormation::PrincipalPermissions").Where(r => r.LogicalId.StartsWith("Tenant", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            Tenants.Select(t => (stack.RoleArn(Role(t)), $"records_{t}", "DESCRIBE,SELECT", "")).Order(),
            grants.Select(g => (
                stack.Resolve(g.Properties["Principal"]!["DataLakePrincipalIdentifier"])!.ToString(),
                stack.Resolve(g.Properties["Resource"]!["Table"]!["Name"])!.ToString(),
                string.Join(',', TemplateRules.Strings(g.Properties["Permissions"])),
                string.Join(',', TemplateRules.Strings(g.Properties["PermissionsWithGrantOption"])))).Order());
    }

    /// <summary>Issue 19: the catalog sync's Lake Formation grants cover every database it writes, not one.</summary>
    [Fact]
    public void The_catalog_syncs_lake_formation_grants_cover_every_database_it_writes()
    {
        var parameters = new Dictionary<string, string>(TemplateTests.TwoTargets) { ["RegionRole"] = "secondary", ["CatalogLakeFormationDatabases"] = "sales,kinesis_replicator_archive" };
        var deployed = DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", parameters), parameters);
        var grants = deployed.ResourcesOfType("AWS::LakeFormation::PrincipalPermissions").Where(r => r.LogicalId.StartsWith("CatalogSync", StringComparison.Ordinal)).ToList();

        Assert.Equal(
            new[] { ("sales", "ALTER,CREATE_TABLE,DESCRIBE"), ("sales", "ALTER,DELETE,DESCRIBE,DROP,INSERT"), ("kinesis_replicator_archive", "ALTER,CREATE_TABLE,DESCRIBE"), ("kinesis_replicator_archive", "ALTER,DELETE,DESCRIBE,DROP,INSERT") }.Order(),
            grants.Select(g => ((g.Properties["Resource"]!["Database"]?["Name"] ?? g.Properties["Resource"]!["Table"]!["DatabaseName"])!.ToString(), string.Join(',', TemplateRules.Strings(g.Properties["Permissions"])))).Order());
        Assert.Empty(DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", TemplateTests.TwoTargets), TemplateTests.TwoTargets).ResourcesOfType("AWS::LakeFormation::PrincipalPermissions"));
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
}
