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
    private readonly Dictionary<string, Queue<int>> _pendingByKey = new(StringComparer.Ordinal);

    // Keys whose oldest pending record may be sent now, ordered by that record's shard position.
    private readonly PriorityQueue<string, int> _ready = new();

    public DeliveryPlanner(IReadOnlyList<SourceRecord> records, PutRecordsLimits limits)
    {
        _records = records;
        _limits = limits;
        foreach (var record in records)
        {
            if (!_pendingByKey.TryGetValue(record.PartitionKey, out var queue))
            {
                queue = new Queue<int>();
                _pendingByKey.Add(record.PartitionKey, queue);
                _ready.Enqueue(record.PartitionKey, record.Index);
            }

            queue.Enqueue(record.Index);
        }

        Pending = records.Count;
    }

    /// <summary>Records not yet durable.</summary>
    public int Pending { get; private set; }

    /// <summary>The next request's records (their keys are then in flight); empty when nothing is ready.</summary>
    public IReadOnlyList<SourceRecord> TakeNextRequest()
    {
        var taken = new List<SourceRecord>();
        var bytes = 0;
        while (taken.Count < _limits.MaxRecords && _ready.TryPeek(out var key, out var index))
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
        var queue = _pendingByKey[record.PartitionKey];
        queue.Dequeue();
        Pending--;
        if (queue.TryPeek(out var next))
        {
            _ready.Enqueue(record.PartitionKey, next);
        }
    }

    /// <summary>The record did not land: it stays first in line for its key.</summary>
    public void Failed(SourceRecord record) => _ready.Enqueue(record.PartitionKey, record.Index);
}
