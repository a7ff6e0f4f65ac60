namespace Replicator.LocalCloud.Limits;

/// <summary>
/// A per-second allowance that refills continuously and holds at most one second of it: what a shard
/// grants in any one-second window. <see cref="TryTake"/> takes all or nothing;
/// <see cref="Charge"/> takes what was spent after the fact (a GetRecords' bytes), and may go below
/// zero, which then refuses until refilled, as Kinesis throttles the reads after a large one.
/// </summary>
public sealed class TokenBucket(double perSecond, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly double _perSecond = perSecond;
    private double _tokens = perSecond;
    private long _refilledAt = clock.GetTimestamp();

    public bool TryTake(double amount)
    {
        lock (_gate)
        {
            Refill();
            if (_tokens < amount)
            {
                return false;
            }

            _tokens -= amount;
            return true;
        }
    }

    public bool CanTake(double amount)
    {
        lock (_gate)
        {
            Refill();
            return _tokens >= amount;
        }
    }

    /// <summary>Whether anything is left to spend (the balance is above zero).</summary>
    public bool HasAllowance()
    {
        lock (_gate)
        {
            Refill();
            return _tokens > 0;
        }
    }

    public void Charge(double amount)
    {
        lock (_gate)
        {
            Refill();
            _tokens -= amount;
        }
    }

    private void Refill()
    {
        var now = clock.GetTimestamp();
        _tokens = Math.Min(_perSecond, _tokens + (clock.GetElapsedTime(_refilledAt, now).TotalSeconds * _perSecond));
        _refilledAt = now;
    }
}
