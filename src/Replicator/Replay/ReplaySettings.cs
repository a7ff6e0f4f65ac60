using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.Kinesis;
using Replicator.Aws.S3;
using Replicator.Relay;
using static Replicator.Lambda.EnvironmentSettings;

namespace Replicator.Replay;

/// <summary>What the replay functions need, read once at init, and the clients made from it.</summary>
public sealed record ReplaySettings(
    string Region,
    string ArchiveBucket,
    string ProgressTable,
    int ChunkRecords,
    int? MaxChunksPerInvocation,
    RegionalEndpoints KinesisEndpoints,
    Uri? S3Endpoint,
    Uri? DynamoDbEndpoint,
    string? TenantField = null,
    IReadOnlySet<string>? Tenants = null,
    RelayOrdering Ordering = RelayOrdering.Strict)
{
    /// <summary>
    /// A lane looks up to two chunks ahead for other keys' records to fill a request (one record per key
    /// under strict order): at 500, eight lanes of 5,000 keys made 28% more requests (tests/Replicator.Benchmarks, replay).
    /// </summary>
    public const int DefaultChunkRecords = 1000;

    public static ReplaySettings From(IReadOnlyDictionary<string, string> environment)
    {
        var chunk = OptionalPositiveInt(environment, ReplayEnvironment.ChunkRecords) ?? DefaultChunkRecords;
        return new(
            Required(environment, ReplayEnvironment.Region),
            Required(environment, ReplayEnvironment.ArchiveBucket),
            Required(environment, ReplayEnvironment.ProgressTable),
            chunk <= 10_000 ? chunk : throw new Lambda.SettingsException(ReplayEnvironment.ChunkRecords, $"is {chunk}; a lane that dies may send two chunks twice, so keep it at most 10000."),
            OptionalPositiveInt(environment, ReplayEnvironment.MaxChunksPerInvocation),
            ServiceEndpoints.ResolvePerRegion(environment, AwsServiceId.Kinesis, ReplayEnvironment.KinesisEndpoints),
            ServiceEndpoints.Resolve(environment, AwsServiceId.S3, ReplayEnvironment.S3Endpoint),
            ServiceEndpoints.Resolve(environment, AwsServiceId.DynamoDb, ReplayEnvironment.DynamoDbEndpoint),
            Optional(environment, ReplayEnvironment.TenantField),
            OptionalList(environment, ReplayEnvironment.Tenants).ToHashSet(StringComparer.Ordinal),
            ReplayOrderingFor(RelaySettings.OrderingFrom(environment)));
    }

    /// <summary>
    /// A replay writes into the stream the relay writes, read by the same consumers: it aggregates where
    /// the relay does (they split aggregates), and is strict otherwise (packed's copies buy the relay
    /// requests that a replay's lanes fill anyway).
    /// </summary>
    public static RelayOrdering ReplayOrderingFor(RelayOrdering relayOrdering) =>
        relayOrdering == RelayOrdering.Aggregated ? RelayOrdering.Aggregated : RelayOrdering.Strict;

    public ArchiveReader ArchiveReader(Amazon.Runtime.AWSCredentials credentials) =>
        new(new S3Reader(new AwsServiceOptions(Region, credentials, AwsEnvironment.HttpClient) { EndpointOverride = S3Endpoint }), ArchiveBucket, tenantField: TenantField, tenants: Tenants);

    public ReplayProgressStore ProgressStore(Amazon.Runtime.AWSCredentials credentials) =>
        new(DynamoDbClients.Create(Region, credentials, DynamoDbEndpoint), ProgressTable);

    public KinesisClient Kinesis(string region, Amazon.Runtime.AWSCredentials credentials) =>
        new(new AwsServiceOptions(region, credentials, AwsEnvironment.HttpClient) { EndpointOverride = KinesisEndpoints.For(region) });
}
