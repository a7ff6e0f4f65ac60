namespace Replicator.Failover;

/// <summary>
/// The failover's fence, seen by every region's replica of the config table before it is held (issue 15):
/// a relay reads its own region's replica, so a fence held from its write in the machine's region would
/// be cut short, for a source replica a replication lag behind, by that lag.
/// </summary>
public sealed class FenceReplication(ConfigReplicas replicas, TimeProvider time)
{
    /// <summary>How long one wait for the fence to reach every replica lasts (within the function's timeout; the machine retries it).</summary>
    public static readonly TimeSpan FenceWait = TimeSpan.FromSeconds(25);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Waits until every region's replica shows the stream fenced (its config at <see cref="FenceRequest.FenceVersion"/>
    /// or later), so the fence's hold counts from when the last relay could see it. A region that does not
    /// answer is skipped, unless it is the source of a failover that is not forced: the source's relays are
    /// the ones running, and they read their own region's replica.
    /// </summary>
    /// <exception cref="FenceNotReplicatedException">A replica that must show the fence did not within <see cref="FenceWait"/>.</exception>
    public async Task<FenceResult> AwaitFenceAsync(FenceRequest request, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + FenceWait;
        var pending = replicas.Regions.ToList();
        var unreachable = new List<string>();
        while (true)
        {
            unreachable.Clear();
            foreach (var region in pending.ToList())
            {
                try
                {
                    if (await replicas.ConfigVersionAsync(region, request.StreamName, cancellationToken).ConfigureAwait(false) >= request.FenceVersion)
                    {
                        pending.Remove(region);
                    }
                }
                catch (Exception e) when (ConfigReplicas.IsUnreachable(e, cancellationToken))
                {
                    unreachable.Add(region);
                }
            }

            var mustSee = pending.Where(r => !unreachable.Contains(r) || (r == request.SourceRegion && !request.Force)).ToList();
            if (mustSee.Count == 0)
            {
                return new FenceResult(replicas.Regions.Except(pending).ToList(), unreachable.ToList());
            }

            if (time.GetUtcNow() > deadline)
            {
                throw new FenceNotReplicatedException(
                    $"The fence of {request.StreamName} (config version {request.FenceVersion}) has not reached the replica of {replicas.Table} in {string.Join(", ", mustSee)} " +
                    $"after {FenceWait.TotalSeconds} s{(unreachable.Count > 0 ? $" (unreachable: {string.Join(", ", unreachable)})" : "")}; their relays may still act on the config before it.");
            }

            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }
}

public sealed class FenceNotReplicatedException(string message) : Exception(message);
