namespace Replicator.LocalCloud.Limits;

/// <summary>One shard's write and read allowances (<see cref="KinesisLimits"/>), shared by every writer and reader of the shard.</summary>
public sealed class ShardBudget(KinesisLimits limits, TimeProvider clock)
{
    private readonly TokenBucket _writeRecords = new(limits.WriteRecordsPerSecond, clock);
    private readonly TokenBucket _writeBytes = new(limits.WriteBytesPerSecond, clock);
    private readonly TokenBucket _readCalls = new(limits.ReadCallsPerSecond, clock);
    private readonly TokenBucket _readBytes = new(limits.ReadBytesPerSecond, clock);
    private readonly Lock _writeGate = new();

    /// <summary>Admits one record of <paramref name="bytes"/> (partition key and data) when both write allowances hold it.</summary>
    public bool TryWrite(int bytes)
    {
        // Both or neither: a record refused for its bytes must not spend a record's allowance.
        lock (_writeGate)
        {
            if (!_writeBytes.CanTake(bytes) || !_writeRecords.CanTake(1))
            {
                return false;
            }

            _writeBytes.Charge(bytes);
            _writeRecords.Charge(1);
            return true;
        }
    }

    /// <summary>Admits one GetRecords call while the calls and the bytes read allow it.</summary>
    public bool TryRead() => _readBytes.HasAllowance() && _readCalls.TryTake(1);

    /// <summary>Spends what a GetRecords returned.</summary>
    public void Read(long bytes) => _readBytes.Charge(bytes);
}
