namespace Replicator.Relay;

/// <summary>
/// Chooses what the next PutRecords request carries and settles what each answer made durable.
/// PutRecords may fail some records and land later ones of the same request. Under
/// <see cref="RelayOrdering.Strict"/> a request therefore holds at most one record per partition key,
/// and a key's next record becomes eligible only once its previous one is durable. Under
/// <see cref="RelayOrdering.Packed"/> a request holds records in shard order whatever their keys, and a
/// failure sends the rest of its key's records in that request again after it. Records are taken
/// oldest first across keys either way, so other keys keep flowing while one key waits on a retry.
/// </summary>
public sealed class DeliveryPlanner
{
    private readonly IReadOnlyList<SourceRecord> _records;
    private readonly PutRecordsLimits _limits;
    private readonly RelayOrdering _ordering;

    // Strict: each key's records as a chain through the batch (the index of the same key's next record, or -1).
    private readonly int[] _nextOfKey;

    // Records that may be sent now, by shard position (strict: each the oldest pending of its key).
    private readonly PriorityQueue<int, int> _ready = new();

    // Packed: how many records of a key a request may carry, for keys whose records have failed. A
    // failure halves it and a request the key lands whole doubles it, so a key that keeps failing
    // sends (and sends again) a few records at a time instead of hundreds.
    private readonly Dictionary<string, int> _packLimit = new(StringComparer.Ordinal);

    public DeliveryPlanner(IReadOnlyList<SourceRecord> records, PutRecordsLimits limits, RelayOrdering ordering = RelayOrdering.Strict)
    {
        _records = records;
        _limits = limits;
        _ordering = ordering;
        _nextOfKey = new int[records.Count];
        var lastOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            _nextOfKey[record.Index] = -1;
            if (ordering == RelayOrdering.Strict && lastOfKey.TryGetValue(record.PartitionKey, out var previous))
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
    /// <param name="before">Only records at positions before this are taken (a caller's window).</param>
    /// <param name="maxRecords">At most this many, below the request limit.</param>
    /// <param name="maySend">Whether a record may go out now (its target shard is not backing off); one that may not stays ready, in order.</param>
    public IReadOnlyList<SourceRecord> TakeNextRequest(int before = int.MaxValue, int maxRecords = int.MaxValue, Func<SourceRecord, bool>? maySend = null)
    {
        var most = Math.Min(_limits.MaxRecords, maxRecords);
        var taken = new List<SourceRecord>(Math.Min(_ready.Count, most));
        var bytes = 0;
        Dictionary<string, int>? perKey = _packLimit.Count > 0 ? new(StringComparer.Ordinal) : null;
        List<int>? heldBack = null;
        while (taken.Count < most && _ready.TryPeek(out var index, out _) && index < before)
        {
            var record = _records[index];
            if (maySend?.Invoke(record) == false)
            {
                _ready.Dequeue();
                (heldBack ??= []).Add(index);
                continue;
            }

            // A record always fits an empty request (1 MiB is Kinesis' per-record limit), so none is ever split or starved.
            if (taken.Count > 0 && bytes + record.RequestBytes > _limits.MaxBytes)
            {
                break;
            }

            _ready.Dequeue();
            if (perKey is not null && _packLimit.TryGetValue(record.PartitionKey, out var limit))
            {
                // Once a key reaches its limit, the rest of its records wait for a later request, in order.
                var count = perKey.GetValueOrDefault(record.PartitionKey);
                if (count >= limit)
                {
                    (heldBack ??= []).Add(index);
                    continue;
                }

                perKey[record.PartitionKey] = count + 1;
            }

            taken.Add(record);
            bytes += record.RequestBytes;
        }

        foreach (var index in heldBack ?? [])
        {
            _ready.Enqueue(index, index);
        }

        return taken;
    }

    /// <summary>
    /// Takes the answer to a request: <paramref name="landed"/>[i] says whether its i-th record landed.
    /// Returns which records are now durable; the others are ready to be sent again.
    /// </summary>
    public bool[] Settle(IReadOnlyList<SourceRecord> request, IReadOnlyList<bool> landed)
    {
        var durable = new bool[request.Count];
        HashSet<string>? failedKeys = null;
        if (_ordering == RelayOrdering.Packed)
        {
            AdaptPackLimits(request, landed);
        }

        for (var i = 0; i < request.Count; i++)
        {
            var record = request[i];
            // Packed: a record behind a failed one of its key must land again after it, or its copy stays ahead.
            var behindAFailure = failedKeys?.Contains(record.PartitionKey) == true;
            if (landed[i] && !behindAFailure)
            {
                durable[i] = true;
                Pending--;
                if (_nextOfKey[record.Index] is var next and >= 0)
                {
                    _ready.Enqueue(next, next);
                }

                continue;
            }

            _ready.Enqueue(record.Index, record.Index);
            if (_ordering == RelayOrdering.Packed && !landed[i])
            {
                (failedKeys ??= new HashSet<string>(StringComparer.Ordinal)).Add(record.PartitionKey);
            }
        }

        return durable;
    }

    private void AdaptPackLimits(IReadOnlyList<SourceRecord> request, IReadOnlyList<bool> landed)
    {
        var outcomes = new Dictionary<string, (int Sent, bool Failed)>(StringComparer.Ordinal);
        for (var i = 0; i < request.Count; i++)
        {
            var (sent, failed) = outcomes.GetValueOrDefault(request[i].PartitionKey);
            outcomes[request[i].PartitionKey] = (sent + 1, failed || !landed[i]);
        }

        foreach (var (key, (sent, failed)) in outcomes)
        {
            if (failed)
            {
                _packLimit[key] = Math.Max(1, sent / 2);
            }
            else if (_packLimit.TryGetValue(key, out var limit))
            {
                if (limit * 2 >= _limits.MaxRecords)
                {
                    _packLimit.Remove(key);
                }
                else
                {
                    _packLimit[key] = limit * 2;
                }
            }
        }
    }
}
