using System.Collections.Concurrent;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Replicator.Relay;

/// <summary>
/// Reads kdsActiveRegionConfig to decide whether this region replicates a stream. Decisions are cached
/// for a TTL (a failover waits the TTL out while the stream is fenced); read errors are not cached and
/// propagate, so an unreadable config fails the batch instead of replicating blindly.
/// </summary>
public sealed class ActiveRegionGate(IAmazonDynamoDB dynamoDb, string table, string region, TimeSpan ttl, TimeProvider time)
{
    public const string ActiveState = "active";

    /// <summary>Ingress has moved away and the active region's relay finishes copying what is left: it keeps writing.</summary>
    public const string DrainingState = "draining";

    /// <summary>No region writes: held by a failover for the cache TTL plus the relay's timeout before the flip.</summary>
    public const string FencedState = "fenced";

    private readonly ConcurrentDictionary<string, (GateDecision Decision, DateTimeOffset ReadAt)> _cache = new(StringComparer.Ordinal);

    public async Task<GateDecision> CheckAsync(string streamName, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(streamName, out var cached) && now - cached.ReadAt < ttl)
        {
            return cached.Decision;
        }

        var response = await dynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new() { [TableAttributes.StreamName] = new AttributeValue { S = streamName } },
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false);

        var item = response.Item;
        if (item is null || item.Count == 0)
        {
            throw new ActiveRegionConfigMissingException(table, streamName, "no item");
        }

        if (!item.TryGetValue(TableAttributes.ActiveRegion, out var active) || string.IsNullOrEmpty(active.S))
        {
            throw new ActiveRegionConfigMissingException(table, streamName, $"an item without a string '{TableAttributes.ActiveRegion}'");
        }

        // Seed 004's items have neither state nor version: they mean "active" at version 0.
        var state = item.TryGetValue(TableAttributes.State, out var s) && !string.IsNullOrEmpty(s.S) ? s.S : ActiveState;
        var version = item.TryGetValue(TableAttributes.Version, out var v) && v.N is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : 0;
        var activeSince = item.TryGetValue(TableAttributes.ActiveSince, out var since) && since.S is { } text
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : (DateTimeOffset?)null;
        // Region names are lower case; seed 004 compared them ignoring case, and items it was given may not be.
        var activeRegion = active.S.ToLowerInvariant();
        var mayReplicate = string.Equals(activeRegion, region, StringComparison.OrdinalIgnoreCase) && state is ActiveState or DrainingState;
        var decision = new GateDecision(mayReplicate, activeRegion, state, version, activeSince);
        _cache[streamName] = (decision, now);
        return decision;
    }
}
