using System.Collections.Concurrent;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Replicator.Aws;
using static Replicator.Lambda.EnvironmentSettings;

namespace Replicator.Failover;

/// <summary>
/// Every region's replica of the config table, each reached in its own region: a global table judges a
/// condition, and answers a read, from the replica asked.
/// </summary>
/// <param name="regions">The other regions with a replica: this stack's targets.</param>
/// <param name="localRegion">Where the failover machine runs and writes the config.</param>
public sealed class ConfigReplicas(Func<string, IAmazonDynamoDB> replicaIn, string table, IReadOnlyList<string> regions, string localRegion)
{
    /// <summary>A replica that has not answered within this (one retry included) counts as unreachable for this call.</summary>
    private static readonly TimeSpan ReplicaTimeout = TimeSpan.FromSeconds(3);

    public static ConfigReplicas From(IReadOnlyDictionary<string, string> environment)
    {
        var credentials = AwsEnvironment.Credentials(environment);
        var endpoints = ServiceEndpoints.ResolvePerRegion(environment, AwsServiceId.DynamoDb, ClaimEnvironment.DynamoDbEndpoints);
        var clients = new ConcurrentDictionary<string, IAmazonDynamoDB>(StringComparer.Ordinal);
        return new ConfigReplicas(
            region => clients.GetOrAdd(region, r => new AmazonDynamoDBClient(
                credentials,
                SdkClientEndpoint.Apply(new AmazonDynamoDBConfig { Timeout = ReplicaTimeout, MaxErrorRetry = 1 }, r, endpoints.For(r)))),
            Required(environment, ClaimEnvironment.ConfigTable),
            OptionalList(environment, ClaimEnvironment.TargetRegions),
            Required(environment, ClaimEnvironment.Region));
    }

    /// <summary>This region and the others, names sorted: the one order every claimant takes them in.</summary>
    public IReadOnlyList<string> Regions { get; } = regions.Append(localRegion).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    public string Table => table;

    public string LocalRegion => localRegion;

    public IAmazonDynamoDB In(string region) => replicaIn(region);

    /// <summary>An item as <paramref name="region"/>'s replica has it (a strongly consistent read there), null if none.</summary>
    public async Task<Dictionary<string, AttributeValue>?> ItemAsync(string region, string key, CancellationToken cancellationToken)
    {
        var item = (await replicaIn(region).GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new() { ["streamName"] = new AttributeValue { S = key } },
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false)).Item;
        return item is { Count: > 0 } ? item : null;
    }

    /// <summary>The stream's config version in <paramref name="region"/>'s replica; 0 without an item or a version (seed 004's items).</summary>
    public async Task<long> ConfigVersionAsync(string region, string stream, CancellationToken cancellationToken) =>
        LongOf(await ItemAsync(region, stream, cancellationToken).ConfigureAwait(false), "version");

    public static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    /// <summary>A number attribute, 0 where the item or attribute is missing.</summary>
    public static long LongOf(Dictionary<string, AttributeValue>? item, string name) =>
        item is not null && item.TryGetValue(name, out var value) && value.N is { } number ? long.Parse(number, CultureInfo.InvariantCulture) : 0;

    /// <summary>
    /// The region's replica does not answer: connection refused or cut, a timeout, or a 5xx. Expected in a
    /// regional outage.
    /// </summary>
    public static bool IsUnreachable(Exception e, CancellationToken invocation) => e switch
    {
        HttpRequestException or IOException or TimeoutException => true,
        OperationCanceledException => !invocation.IsCancellationRequested,
        AmazonServiceException service => (int)service.StatusCode >= 500 || service.InnerException is HttpRequestException or IOException or TimeoutException,
        AmazonClientException => true,
        _ => false,
    };
}
