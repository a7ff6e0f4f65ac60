namespace Replicator.Relay;

/// <summary>
/// Chooses what the next PutRecords request carries. PutRecords may fail some records and land later
/// ones of the same request, so a request holds at most one record per partition key, and a key's
/// next record becomes eligible only once its previous one is durable. Records are taken oldest first
/// across keys, so other keys keep flowing while one key waits on a retry.
/// </summary>
public sealed class DeliveryPlanner
{
    private readonly IReadOnlyList<SourceRecord> _records;
    private readonly PutRecordsLimits _limits;

    // Each key's records as a chain through the batch: the index of the same key's next record, or -1.
    private readonly int[] _nextOfKey;

    // Records that may be sent now (each the oldest pending of its key), by shard position.
    private readonly PriorityQueue<int, int> _ready = new();

    public DeliveryPlanner(IReadOnlyList<SourceRecord> records, PutRecordsLimits limits)
    {
        _records = records;
        _limits = limits;
        _nextOfKey = new int[records.Count];
        var lastOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            _nextOfKey[record.Index] = -1;
            if (lastOfKey.TryGetValue(record.PartitionKey, out var previous))
            {
                _nextOfKey[previous] = record.Index;
            }
            else
            {
                _ready.Enqueue(record.Index, record.Index);
            }

            lastOfKey[record.PartitionKey] = record.Index;
        }

        Pending = records.Count;
    }

    /// <summary>Records not yet durable.</summary>
    public int Pending { get; private set; }

    /// <summary>The next request's records (their keys are then in flight); empty when nothing is ready.</summary>
    public IReadOnlyList<SourceRecord> TakeNextRequest()
    {
        var taken = new List<SourceRecord>(Math.Min(_ready.Count, _limits.MaxRecords));
        var bytes = 0;
        while (taken.Count < _limits.MaxRecords && _ready.TryPeek(out var index, out _))
        {
            var record = _records[index];
            // A record always fits an empty request (1 MiB is Kinesis' per-record limit), so none is ever split or starved.
            if (taken.Count > 0 && bytes + record.RequestBytes > _limits.MaxBytes)
            {
                break;
            }

            _ready.Dequeue();
            taken.Add(record);
            bytes += record.RequestBytes;
        }

        return taken;
    }

    /// <summary>The record landed: its key's next record becomes ready.</summary>
    public void Delivered(SourceRecord record)
    {
        Pending--;
        if (_nextOfKey[record.Index] is var next and >= 0)
        {
            _ready.Enqueue(next, next);
        }
    }

    /// <summary>The record did not land: it stays first in line for its key.</summary>
    public void Failed(SourceRecord record) => _ready.Enqueue(record.Index, record.Index);
}
