using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Replicator.Failover;

/// <summary>
/// Who may fail a stream over, decided across every region's replica of the config table (issue 15).
/// Global tables judge a condition by the local replica alone and replicate the last writer, so two
/// failovers started in two regions would both pass a conditional write on the config item. Instead, each
/// region's replica holds a claim item of its own (<see cref="ClaimKey"/>) that only a write to that
/// replica ever changes, so its conditions are exact; a failover must hold the claim in a majority of the
/// regions, and two majorities always share a region. Claims are taken in one order (region names
/// sorted) and the first refusal ends the attempt, so two claimants cannot split the regions between
/// them and both give up. An unreachable region is skipped: a majority is still reachable when any one
/// of three regions is down. With two regions a majority is both, so a forced failover whose source
/// does not answer may go on with the target's claim alone: forcing is the operator's word that the
/// source is down (docs/failover.md, "Concurrent failovers"). A claim left held in a region that was
/// unreachable at release is taken over once its holder shows released in another region (a holder
/// releases only when its execution ends), so a failback need not wait for the lease to expire.
/// </summary>
public sealed class FailoverClaims(ConfigReplicas replicas, TimeProvider time)
{
    /// <summary>
    /// A claim not released within this is free to take: longer than the failover machine's TimeoutSeconds
    /// (7,800 s), so only a claim whose execution has certainly ended expires. The recovery function
    /// releases the claim of an execution that ended without doing so itself.
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(8_100);

    /// <summary>How long a claimant waits for its own replica to catch up with the last failover's config.</summary>
    public static readonly TimeSpan ConfigCatchUp = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private IReadOnlyList<string> Regions => replicas.Regions;

    /// <summary>Stream names allow only letters, digits, '_', '.' and '-', so no claim key is ever a stream's.</summary>
    public static string ClaimKey(string stream, string region) => $"failover-claim#{stream}#{region}";

    public int Majority => Regions.Count / 2 + 1;

    /// <summary>
    /// Takes the stream's claim for <paramref name="holder"/> (an execution ARN; taking it again is a no-op),
    /// then waits until this region's replica holds the config the last failover left, which the released
    /// claims record: the failover then reads and conditions on the newest config, not a lagging copy.
    /// </summary>
    /// <exception cref="FailoverClaimedException">Another failover holds the claim, or too few regions answered; nothing is held on return.</exception>
    /// <exception cref="ConfigNotReplicatedException">This region's replica did not catch up in time; nothing is held on return.</exception>
    public async Task<ClaimResult> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        var granted = new List<string>();
        var unreachable = new List<string>();
        long lastConfigVersion = 0;
        foreach (var region in Regions)
        {
            try
            {
                var previous = await ClaimInAsync(request, region, cancellationToken).ConfigureAwait(false);
                granted.Add(region);
                lastConfigVersion = Math.Max(lastConfigVersion, ConfigReplicas.LongOf(previous, "configVersion"));
            }
            catch (Exception e) when (ConfigReplicas.IsUnreachable(e, cancellationToken))
            {
                unreachable.Add(region);
            }
            catch (FailoverClaimedException)
            {
                await ReleaseAsync(request.StreamName, request.Holder, granted, cancellationToken).ConfigureAwait(false);
                throw;
            }
        }

        var twoRegionsSourceDown = request.Force && Regions.Count == 2 && unreachable.SequenceEqual([request.SourceRegion]);
        if (granted.Count < Majority && !twoRegionsSourceDown)
        {
            await ReleaseAsync(request.StreamName, request.Holder, granted, cancellationToken).ConfigureAwait(false);
            throw new FailoverClaimedException(
                $"The failover of {request.StreamName} could claim only {granted.Count} of {Regions.Count} regions' replicas of {replicas.Table} (a majority is {Majority}); " +
                $"unreachable: {string.Join(", ", unreachable)}. Nothing was changed.");
        }

        try
        {
            await CatchUpAsync(request.StreamName, lastConfigVersion, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ReleaseAsync(request.StreamName, request.Holder, granted, cancellationToken).ConfigureAwait(false);
            throw;
        }

        return new ClaimResult(granted, unreachable, lastConfigVersion);
    }

    /// <summary>
    /// Releases <paramref name="holder"/>'s claim wherever it holds it, recording the config version this
    /// region's replica now has (where the failover wrote) for the next claimant to wait for. Regions that
    /// do not answer keep the claim until it expires; claims held by others are left alone.
    /// </summary>
    public async Task<ReleaseResult> ReleaseAsync(string stream, string holder, CancellationToken cancellationToken)
    {
        var version = await replicas.ConfigVersionAsync(replicas.LocalRegion, stream, cancellationToken).ConfigureAwait(false);
        var outcomes = new List<(string Region, bool? Released)>();
        foreach (var region in Regions)
        {
            outcomes.Add((region, await UnholdAsync(region, stream, holder, version, cancellationToken).ConfigureAwait(false)));
        }

        return new ReleaseResult(
            outcomes.Where(o => o.Released == true).Select(o => o.Region).ToList(),
            outcomes.Where(o => o.Released is null).Select(o => o.Region).ToList(),
            version);
    }

    /// <summary>
    /// Takes the claim in <paramref name="region"/>'s replica: free, expired or already this holder's, or
    /// held by a holder that shows released in another region, which it does only once it has ended (this
    /// region was unreachable then: a forced failover's source, back since).
    /// </summary>
    /// <returns>The claim item as it was.</returns>
    /// <exception cref="FailoverClaimedException">Another failover holds it there.</exception>
    private async Task<Dictionary<string, AttributeValue>> ClaimInAsync(ClaimRequest request, string region, CancellationToken cancellationToken)
    {
        if (await TakeAsync(request.StreamName, region, request.Holder, staleHolder: null, cancellationToken).ConfigureAwait(false) is { } previous)
        {
            return previous;
        }

        var held = await ClaimItemAsync(request.StreamName, region, cancellationToken).ConfigureAwait(false);
        var holder = held is not null && held.TryGetValue("holder", out var value) ? value.S : null;
        if (holder is null || !await ReleasedElsewhereAsync(request.StreamName, holder, region, cancellationToken).ConfigureAwait(false))
        {
            throw new FailoverClaimedException(
                $"Another failover of {request.StreamName} holds its claim in {region}'s replica of {replicas.Table}: " +
                $"{(holder is null ? "(released since)" : $"{holder}, claimed at {DateTimeOffset.FromUnixTimeSeconds(ConfigReplicas.LongOf(held, "claimedAt")):O}")}. Nothing was changed; start one failover at a time.");
        }

        return await TakeAsync(request.StreamName, region, request.Holder, staleHolder: holder, cancellationToken).ConfigureAwait(false)
            ?? throw new FailoverClaimedException(
                $"Another failover of {request.StreamName} took its claim in {region}'s replica of {replicas.Table} first. Nothing was changed; start one failover at a time.");
    }

    private async Task CatchUpAsync(string stream, long lastConfigVersion, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + ConfigCatchUp;
        while (true)
        {
            var version = await replicas.ConfigVersionAsync(replicas.LocalRegion, stream, cancellationToken).ConfigureAwait(false);
            if (version >= lastConfigVersion)
            {
                return;
            }

            if (time.GetUtcNow() > deadline)
            {
                throw new ConfigNotReplicatedException(
                    $"The last failover of {stream} left its config at version {lastConfigVersion}, but {replicas.LocalRegion}'s replica of {replicas.Table} still has version {version} " +
                    $"after {ConfigCatchUp.TotalSeconds} s; a failover acting on it would undo that one. Nothing was changed; retry once replication catches up.");
            }

            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gives back the claims of an attempt that did not win, leaving each item as it was before (the last release's config version kept).</summary>
    private async Task ReleaseAsync(string stream, string holder, IEnumerable<string> granted, CancellationToken cancellationToken)
    {
        foreach (var region in granted)
        {
            await UnholdAsync(region, stream, holder, configVersion: null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <returns>true: released; false: not held by <paramref name="holder"/> there (never taken, or taken over after it expired); null: the region did not answer, and its claim expires.</returns>
    private async Task<bool?> UnholdAsync(string region, string stream, string holder, long? configVersion, CancellationToken cancellationToken)
    {
        var request = new UpdateItemRequest
        {
            TableName = replicas.Table,
            Key = Key(stream, region),
            UpdateExpression = "REMOVE #holder, #expiresAt",
            ConditionExpression = "#holder = :holder",
            ExpressionAttributeNames = new() { ["#holder"] = "holder", ["#expiresAt"] = "expiresAt" },
            ExpressionAttributeValues = new() { [":holder"] = new AttributeValue { S = holder } },
        };
        if (configVersion is { } version)
        {
            request.UpdateExpression += " SET #configVersion = :version, #releasedBy = :holder, #releasedAt = :now";
            request.ExpressionAttributeNames["#configVersion"] = "configVersion";
            request.ExpressionAttributeNames["#releasedBy"] = "releasedBy";
            request.ExpressionAttributeNames["#releasedAt"] = "releasedAt";
            request.ExpressionAttributeValues[":version"] = ConfigReplicas.Number(version);
            request.ExpressionAttributeValues[":now"] = ConfigReplicas.Number(time.GetUtcNow().ToUnixTimeSeconds());
        }

        try
        {
            await replicas.In(region).UpdateItemAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
        catch (Exception e) when (ConfigReplicas.IsUnreachable(e, cancellationToken))
        {
            return null;
        }
    }

    /// <summary>Sets the claim in <paramref name="region"/>'s replica if it is free, already this holder's or expired, or (with <paramref name="staleHolder"/>) still held by that ended holder.</summary>
    /// <returns>The claim item as it was; null if the condition failed (another holder has it).</returns>
    private async Task<Dictionary<string, AttributeValue>?> TakeAsync(string stream, string region, string holder, string? staleHolder, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var request = new UpdateItemRequest
        {
            TableName = replicas.Table,
            Key = Key(stream, region),
            UpdateExpression = "SET #holder = :holder, #claimedAt = :now, #expiresAt = :expiresAt",
            ConditionExpression = "attribute_not_exists(#holder) OR #holder = :holder OR #expiresAt < :now",
            ExpressionAttributeNames = new() { ["#holder"] = "holder", ["#claimedAt"] = "claimedAt", ["#expiresAt"] = "expiresAt" },
            ExpressionAttributeValues = new()
            {
                [":holder"] = new AttributeValue { S = holder },
                [":now"] = ConfigReplicas.Number(now.ToUnixTimeSeconds()),
                [":expiresAt"] = ConfigReplicas.Number((now + Lease).ToUnixTimeSeconds()),
            },
            ReturnValues = ReturnValue.ALL_OLD,
        };
        if (staleHolder is not null)
        {
            request.ConditionExpression = "#holder = :stale";
            request.ExpressionAttributeValues[":stale"] = new AttributeValue { S = staleHolder };
        }

        try
        {
            return (await replicas.In(region).UpdateItemAsync(request, cancellationToken).ConfigureAwait(false)).Attributes ?? [];
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="holder"/> released its claim in another region's replica (read where it wrote it).</summary>
    private async Task<bool> ReleasedElsewhereAsync(string stream, string holder, string heldIn, CancellationToken cancellationToken)
    {
        foreach (var region in Regions.Where(r => r != heldIn))
        {
            try
            {
                var item = await ClaimItemAsync(stream, region, cancellationToken).ConfigureAwait(false);
                if (item is not null && item.TryGetValue("releasedBy", out var releasedBy) && releasedBy.S == holder)
                {
                    return true;
                }
            }
            catch (Exception e) when (ConfigReplicas.IsUnreachable(e, cancellationToken))
            {
                // Another region may still show it.
            }
        }

        return false;
    }

    private Task<Dictionary<string, AttributeValue>?> ClaimItemAsync(string stream, string region, CancellationToken cancellationToken) =>
        replicas.ItemAsync(region, ClaimKey(stream, region), cancellationToken);

    private static Dictionary<string, AttributeValue> Key(string stream, string region) => new() { ["streamName"] = new AttributeValue { S = ClaimKey(stream, region) } };
}

/// <summary>Another failover holds the stream's claim, or too few regions answered to claim it: nothing was changed.</summary>
public sealed class FailoverClaimedException(string message) : Exception(message);

public sealed class ConfigNotReplicatedException(string message) : Exception(message);

