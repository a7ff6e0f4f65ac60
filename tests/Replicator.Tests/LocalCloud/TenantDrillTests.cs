using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Replicator.LocalCloud.Iam;
using Replicator.LocalCloud.Tenants;
using Xunit.Abstractions;

namespace Replicator.Tests.LocalCloud;

/// <summary>Issue 19: <c>replicator drill tenants</c>'s scenario, smaller, and the IAM gate it stands on.</summary>
[Collection(DrillCloudCollection.Name)]
public sealed class TenantDrillTests(LocalCloudFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Each_tenants_role_and_replay_reach_exactly_its_own_records()
    {
        var result = await TenantDrill.RunAsync(fixture.Cloud, TextWriter.Null, null, CancellationToken.None, records: 1_500);

        output.WriteLine(result.FiguresJson());
        Assert.Equal((3, 1_500, 0L), (result.Tenants, result.Records, result.Overflowed));
        Assert.Equal(900, result.OwnRecordsExpected);
        Assert.Equal((0, 900, 900, 0), (result.CrossTenantReads, result.OwnRecordsRead, result.Replayed, result.ReplayFaults));
        Assert.True(result.Probes > 3 * 6, $"{result.Probes} probes");
        Assert.Equal(result.Probes, result.ProbesRefused);
        Assert.True(result.RequestsDecided > result.Probes, "every tenant request, its own reads too, was decided by the simulator");
        Assert.True(result.Passed, result.FiguresJson());
    }

    /// <summary>
    /// The gate decides by the policies it is given, not by a blanket refusal: the same listing is refused
    /// under the tenant's own role and allowed under a role that may list anything, and a request signed
    /// without a drill's session token (the operator's) is not asked about at all.
    /// </summary>
    [Fact]
    public async Task The_gate_lets_through_what_the_policies_allow_and_refuses_what_they_do_not()
    {
        var region = fixture.RegionA;
        var bucket = $"gate-{Guid.NewGuid():N}"[..20];
        using var operatorS3 = fixture.Cloud.CreateS3Client(region);
        await operatorS3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        await operatorS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "archive/stream=s/hour=h/tenant=globex/bucket=00/part-0", ContentBody = "x", UseChunkEncoding = false });
        var parameters = new Dictionary<string, string> { ["TargetStreamReplicationRegion"] = fixture.RegionB, ["ArchiveTenantField"] = "tenant", ["Tenants"] = "acme,globex" };
        var stack = new ConcreteTemplate(DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", parameters), parameters), region, parameters);
        var mayListAnything = JsonNode.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}""")!;
        await using var simulator = await IamPolicySimulator.StartAsync(CancellationToken.None);
        var gate = new S3Gate(simulator, region);
        gate.AddBucket(bucket, $"kinesis-replicator-archive-{ConcreteTemplate.Account}-{region}", null, stack.Arn("ReplicatorKey"), new JsonObject());
        gate.AddPrincipal("acme", stack.RoleArn("TenantRoleacme"), stack.RolePolicies("TenantRoleacme"));
        gate.AddPrincipal("anything", stack.RoleArn("TenantRoleacme"), [mayListAnything]);
        var globexPrefix = new ListObjectsV2Request { BucketName = bucket, Prefix = "archive/stream=s/hour=h/tenant=globex/" };
        fixture.Cloud.S3(region).Authorize = gate.AuthorizeAsync;
        try
        {
            using var acme = fixture.Cloud.CreateS3Client(region, new SessionAWSCredentials("S3RVER", "S3RVER", "acme"));
            var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => acme.ListObjectsV2Async(globexPrefix));
            Assert.Equal("AccessDenied", refused.ErrorCode);
            Assert.Contains("s3:ListBucket", refused.Message, StringComparison.Ordinal);

            using var anything = fixture.Cloud.CreateS3Client(region, new SessionAWSCredentials("S3RVER", "S3RVER", "anything"));
            Assert.Equal(1, (await anything.ListObjectsV2Async(globexPrefix)).KeyCount);
            Assert.Equal(1, (await operatorS3.ListObjectsV2Async(globexPrefix)).KeyCount);
            Assert.Equal((2L, 1L), (gate.Decided, gate.Refused));
        }
        finally
        {
            fixture.Cloud.S3(region).Authorize = null;
        }
    }
}
