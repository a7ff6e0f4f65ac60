using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Replicator.Archive;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.Iam;
using Replicator.LocalCloud.Replay;
using Replicator.LocalCloud.StepFunctions;
using Replicator.LocalCloud.Templates;
using Replicator.LocalCloud.Verification;
using Replicator.Replay;

namespace Replicator.LocalCloud.Tenants;

/// <summary>
/// The tenant drill (issue 19): CDC records of three listed tenants, of a tenant not listed and of no
/// tenant, committed over two hours, are archived through the local Firehose. Each tenant then reads the
/// archive as its role: template.yaml's TenantRole, as a deploy with these tenants creates it, with every
/// S3 request first decided by the IAM policy simulator against that role's policies, the bucket's and the
/// key's (<see cref="S3Gate"/>). A tenant lists and reads its own prefixes, and tries the others' prefixes
/// and objects, the hour prefix, the unlisted and no-tenant prefixes and the overflow, each of which must
/// be refused. Then a replay limited to each tenant replays its records into a stream of its own. Every
/// record read or replayed is checked for its tenant.
/// </summary>
public static class TenantDrill
{
    public const string TenantField = "tenant";
    public const string UnlistedTenant = "hooli";

    public static readonly IReadOnlyList<string> Tenants = ["acme", "globex", "initech"];

    public static async Task<TenantDrillResult> RunAsync(TwoRegionCloud cloud, TextWriter functionLog, Action<string>? progress, CancellationToken cancellationToken, int records = 6_000)
    {
        var (a, b) = (cloud.Regions.First(), cloud.Regions.Last());
        var start = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
        var produced = Produce(records, start);
        progress?.Invoke($"producing {records:N0} records of {string.Join(", ", Tenants)}, of {UnlistedTenant} (not listed) and of no tenant over 2 hours in {a}, and archiving them");
        await ReplicatorTables.CreateAsync(cloud.CreateDynamoDbClient(a), cancellationToken).ConfigureAwait(false);
        var archive = await ArchivedStream.CreateAsync(cloud, a, produced, shards: 2, cancellationToken, tenantField: TenantField, tenants: Tenants).ConfigureAwait(false);

        progress?.Invoke("reading template.yaml as a deploy with these tenants sees it: each tenant's role, the bucket's and the key's policies");
        var parameters = new Dictionary<string, string>
        {
            ["TargetStreamReplicationRegion"] = b,
            ["ArchiveTenantField"] = TenantField,
            ["Tenants"] = string.Join(',', Tenants),
        };
        var deployed = DeployedTemplate.With(CloudFormationTemplate.Load("template.yaml", parameters), parameters);
        var stack = new ConcreteTemplate(deployed, a, parameters);
        await using var simulator = await IamPolicySimulator.StartAsync(cancellationToken).ConfigureAwait(false);
        var gate = new S3Gate(simulator, a);
        gate.AddBucket(
            archive.Bucket,
            stack.Arn("ArchiveBucket")["arn:aws:s3:::".Length..],
            stack.Resolve(deployed.Resources["ArchiveBucketPolicy"]!["Properties"]!["PolicyDocument"]),
            stack.Arn("ReplicatorKey"),
            stack.Resolve(deployed.Resources["ReplicatorKey"]!["Properties"]!["KeyPolicy"])!);
        foreach (var tenant in Tenants)
        {
            gate.AddPrincipal(SessionOf(tenant), stack.RoleArn(RoleOf(tenant)), stack.RolePolicies(RoleOf(tenant)));
        }

        using var operatorS3 = cloud.CreateS3Client(a);
        var objects = await ArchiveContents.ListAsync(operatorS3, archive.Bucket, "", cancellationToken).ConfigureAwait(false);
        var hours = produced.Select(r => r.CommitTimestamp.UtcDateTime.ToString("yyyy-MM-dd-HH", CultureInfo.InvariantCulture)).Distinct().ToList();
        var reads = new List<TenantReads>();
        cloud.S3(a).Authorize = gate.AuthorizeAsync;
        try
        {
            foreach (var tenant in Tenants)
            {
                progress?.Invoke($"{tenant}: listing and reading its prefixes as its role, and trying everyone else's");
                using var s3 = cloud.CreateS3Client(a, new SessionAWSCredentials("S3RVER", "S3RVER", SessionOf(tenant)));
                reads.Add(await ReadAsTenantAsync(s3, archive, tenant, hours, objects, cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            cloud.S3(a).Authorize = null;
        }

        var replays = new List<(string Tenant, ReplicationCheck Check, int Foreign)>();
        foreach (var tenant in Tenants)
        {
            progress?.Invoke($"{tenant}: replaying its records into a stream of its own in {b}");
            replays.Add(await ReplayAsync(cloud, archive, tenant, produced, start, functionLog, cancellationToken).ConfigureAwait(false));
        }

        return new TenantDrillResult(
            Tenants.Count,
            produced.Count,
            archive.Overflowed,
            reads.Sum(r => r.Foreign) + replays.Sum(r => r.Foreign),
            reads.Sum(r => r.Own),
            Tenants.Sum(t => produced.Count(r => r.Tenant == t)),
            reads.Sum(r => r.Probes),
            reads.Sum(r => r.ProbesRefused),
            replays.Sum(r => r.Check.Found),
            replays.Sum(r => r.Check.Missing + r.Check.OrderViolations + r.Check.Duplicates),
            gate.Decided,
            gate.Refused);
    }

    public static string RoleOf(string tenant) => $"TenantRole{string.Concat(tenant.Where(char.IsAsciiLetterOrDigit))}";

    private static string SessionOf(string tenant) => $"tenant-{tenant}";

    /// <summary>Records of the three tenants, the unlisted one and none, by key (each key one tenant's), over two hours.</summary>
    private static List<CdcRecord> Produce(int records, DateTimeOffset start)
    {
        string?[] owners = [.. Tenants, UnlistedTenant, null];
        var counts = new Dictionary<long, long>();
        return Enumerable.Range(0, records).Select(i =>
        {
            var key = 7_000_000_000L + (i % (owners.Length * 30));
            var n = counts.GetValueOrDefault(key);
            counts[key] = n + 1;
            return new CdcRecord(key, n, start + (TimeSpan.FromHours(2) * i / records)) { Tenant = owners[(int)(key % owners.Length)] };
        }).ToList();
    }

    private static async Task<TenantReads> ReadAsTenantAsync(IAmazonS3 s3, ArchivedStream archive, string tenant, IReadOnlyList<string> hours, IReadOnlyList<S3Object> objects, CancellationToken cancellationToken)
    {
        var (own, foreign) = (0, 0);
        foreach (var hour in hours)
        {
            foreach (var (_, envelope) in await ArchiveContents.ReadAsync(s3, archive.Bucket, $"archive/stream={archive.Stream}/hour={hour}/tenant={tenant}/", cancellationToken).ConfigureAwait(false))
            {
                (own, foreign) = CdcRecord.Parse(envelope.Data.ToArray()).Tenant == tenant ? (own + 1, foreign) : (own, foreign + 1);
            }
        }

        // Everything else a tenant might try: each must be refused, and whatever is not counts as read across tenants.
        var hourPrefix = $"archive/stream={archive.Stream}/hour={hours[0]}/";
        var listings = Tenants.Where(t => t != tenant).Concat([TenantPrefix.UnlistedTenant, TenantPrefix.NoTenant])
            .Select(t => $"{hourPrefix}tenant={t}/")
            .Concat([hourPrefix, "archive/", "", ArchiveOverflow.Prefix]);
        var gets = objects.Where(o => !o.Key.Contains($"/tenant={tenant}/", StringComparison.Ordinal)).GroupBy(o => o.Key.Split("/bucket=")[0]).Select(g => g.First().Key);
        var (probes, refused) = (0, 0);
        foreach (var prefix in listings)
        {
            probes++;
            try
            {
                var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = archive.Bucket, Prefix = prefix }, cancellationToken).ConfigureAwait(false);
                foreign += listed.KeyCount ?? 0;
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "AccessDenied")
            {
                refused++;
            }
        }

        foreach (var key in gets)
        {
            probes++;
            try
            {
                using var body = await s3.GetObjectAsync(archive.Bucket, key, cancellationToken).ConfigureAwait(false);
                foreign++;
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "AccessDenied")
            {
                refused++;
            }
        }

        return new TenantReads(own, foreign, probes, refused);
    }

    private static async Task<(string Tenant, ReplicationCheck Check, int Foreign)> ReplayAsync(
        TwoRegionCloud cloud, ArchivedStream archive, string tenant, IReadOnlyList<CdcRecord> produced, DateTimeOffset start, TextWriter functionLog, CancellationToken cancellationToken)
    {
        var (a, b) = (cloud.Regions.First(), cloud.Regions.Last());
        var target = $"{tenant}-{Guid.NewGuid():N}"[..20];
        var kinesis = cloud.CreateKinesisClient(b);
        await kinesis.CreateStreamAsync(target, 2, cancellationToken).ConfigureAwait(false);
        await kinesis.WaitUntilActiveAsync(target, cancellationToken).ConfigureAwait(false);
        var request = new ReplayRequest(archive.Stream, start, start.AddHours(2), target, b, Lanes: 2, Tenant: tenant);
        var settings = new Dictionary<string, string> { [ReplayEnvironment.TenantField] = TenantField, [ReplayEnvironment.Tenants] = string.Join(',', Tenants) };
        LocalReplay.Report(await new LocalReplay(cloud, a, archive.Bucket, new LocalTopics(), functionLog).RunAsync(request, settings, null, cancellationToken).ConfigureAwait(false));
        var arrived = (await StreamContents.ReadAsync(kinesis, target, cancellationToken).ConfigureAwait(false)).SelectMany(s => s.Records).Select(r => CdcRecord.Parse(r.Data)).ToList();
        return (tenant, ReplicationCheck.Compare(produced.Where(r => r.Tenant == tenant).ToList(), arrived), arrived.Count(r => r.Tenant != tenant));
    }

    private sealed record TenantReads(int Own, int Foreign, int Probes, int ProbesRefused);
}

/// <param name="Overflowed">Records Firehose put past its active-partition quota (none, with the bucket count the deploy chooses).</param>
/// <param name="CrossTenantReads">Records (or keys listed) of another tenant that a tenant's role read, or a tenant's replay brought back.</param>
/// <param name="OwnRecordsRead">Records the tenants read of their own, as their roles.</param>
/// <param name="Probes">Requests for another tenant's prefixes or objects, or for prefixes holding every tenant's, all of which must be refused.</param>
/// <param name="ReplayFaults">Records of a tenant's replay missing, out of key order or duplicated.</param>
/// <param name="RequestsDecided">Questions the IAM policy simulator answered for the tenants' requests.</param>
public sealed record TenantDrillResult(
    int Tenants,
    int Records,
    long Overflowed,
    int CrossTenantReads,
    int OwnRecordsRead,
    int OwnRecordsExpected,
    int Probes,
    int ProbesRefused,
    int Replayed,
    int ReplayFaults,
    long RequestsDecided,
    long RequestsRefused)
{
    public bool Passed => CrossTenantReads == 0 && OwnRecordsRead == OwnRecordsExpected && ProbesRefused == Probes && Replayed == OwnRecordsExpected && ReplayFaults == 0 && Overflowed == 0;

    /// <summary>The drill's one JSON line of figures (issue 19's field names first).</summary>
    public string FiguresJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["tenants"] = Tenants,
        ["records"] = Records,
        ["cross_tenant_reads"] = CrossTenantReads,
        ["own_records_read"] = OwnRecordsRead,
        ["own_records_expected"] = OwnRecordsExpected,
        ["probes"] = Probes,
        ["probes_refused"] = ProbesRefused,
        ["replayed"] = Replayed,
        ["replay_faults"] = ReplayFaults,
        ["overflowed"] = Overflowed,
        ["requests_decided"] = RequestsDecided,
    });
}
