namespace Replicator.Relay;

/// <summary>
/// Chooses what the next PutRecords request carries and settles what each answer made durable.
/// PutRecords may fail some records and land later ones of the same request. Under
/// <see cref="RelayOrdering.Strict"/> a request therefore holds at most one record per partition key,
/// and a key's next record becomes eligible only once its previous one is durable. Under
/// <see cref="RelayOrdering.Packed"/> a request holds records in shard order whatever their keys, and a
/// failure sends the rest of its key's records in that request again after it. Under
/// <see cref="RelayOrdering.Aggregated"/> a key's oldest pending record is followed in the request by the
/// key's next pending records that fit one aggregated record: a run, which the caller sends as one
/// entry and settles as one (all landed or none). Records are taken oldest first across keys in every
/// ordering, so other keys keep flowing while one key waits on a retry.
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
            if (ordering != RelayOrdering.Packed && lastOfKey.TryGetValue(record.PartitionKey, out var previous))
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

    /// <summary>
    /// The next request's records (their keys are then in flight); empty when nothing is ready. Aggregated,
    /// a run of one key's records is consecutive here (see <see cref="Entries"/>).
    /// </summary>
    /// <param name="before">Only records at positions before this are taken (a caller's window).</param>
    /// <param name="maxRecords">At most this many entries, below the request limit.</param>
    /// <param name="maySend">Whether a record (aggregated: a run's first) may go out now (its target shard has room); one that may not stays ready, in order.</param>
    public IReadOnlyList<SourceRecord> TakeNextRequest(int before = int.MaxValue, int maxRecords = int.MaxValue, Func<SourceRecord, bool>? maySend = null)
    {
        var most = Math.Min(_limits.MaxRecords, maxRecords);
        var taken = new List<SourceRecord>(Math.Min(_ready.Count, most));
        var entries = 0;
        var bytes = 0;
        Dictionary<string, int>? perKey = _packLimit.Count > 0 ? new(StringComparer.Ordinal) : null;
        List<int>? heldBack = null;
        while (entries < most && _ready.TryPeek(out var index, out _) && index < before)
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
            entries++;
            bytes += _ordering == RelayOrdering.Aggregated ? TakeRun(record, before, bytes, taken) : record.RequestBytes;
        }

        foreach (var index in heldBack ?? [])
        {
            _ready.Enqueue(index, index);
        }

        return taken;
    }

    /// <summary>
    /// Follows <paramref name="first"/> (just added to <paramref name="taken"/>) with its key's next pending
    /// records while they fit one aggregated record and the request; returns the bytes the entry spends.
    /// A run of one goes as the plain record; a producer's own aggregate is never put inside another.
    /// </summary>
    private int TakeRun(SourceRecord first, int before, int bytesBefore, List<SourceRecord> taken)
    {
        if (KplAggregate.IsAggregate(first.Data))
        {
            return first.RequestBytes;
        }

        var keyBytes = first.RequestBytes - first.Data.Length;
        var largest = Math.Min(_limits.MaxRecordBytes, _limits.MaxBytes - bytesBefore) - keyBytes;
        var size = KplAggregate.EmptySize(first.PartitionKey) + KplAggregate.RecordSize(first.Data.Length);
        var run = 1;
        for (var next = _nextOfKey[first.Index]; next >= 0 && next < before; next = _nextOfKey[next])
        {
            var record = _records[next];
            var grown = size + KplAggregate.RecordSize(record.Data.Length);
            if (grown > largest || KplAggregate.IsAggregate(record.Data))
            {
                break;
            }

            taken.Add(record);
            size = grown;
            run++;
        }

        return run == 1 ? first.RequestBytes : size + keyBytes;
    }

    /// <summary>
    /// The entries a request's records make, as (first record's position, count): each record its own,
    /// except under <see cref="RelayOrdering.Aggregated"/>, where a run of one key's records is one.
    /// </summary>
    public IReadOnlyList<(int Start, int Count)> Entries(IReadOnlyList<SourceRecord> request)
    {
        var entries = new List<(int Start, int Count)>(request.Count);
        for (var i = 0; i < request.Count; i++)
        {
            if (IsNextOfItsKey(request, i))
            {
                entries[^1] = (entries[^1].Start, entries[^1].Count + 1);
            }
            else
            {
                entries.Add((i, 1));
            }
        }

        return entries;
    }

    /// <summary>
    /// Takes the answer to a request: <paramref name="landed"/>[i] says whether its i-th record landed
    /// (aggregated: every record of a run the same). Returns which records are now durable; the others
    /// are ready to be sent again.
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
            // Aggregated: a run's records after its first come with it, ready or not; only its last releases the key.
            var runGoesOn = i + 1 < request.Count && IsNextOfItsKey(request, i + 1);
            if (landed[i] && !behindAFailure)
            {
                durable[i] = true;
                Pending--;
                if (!runGoesOn && _nextOfKey[record.Index] is var next and >= 0)
                {
                    _ready.Enqueue(next, next);
                }

                continue;
            }

            if (i == 0 || !IsNextOfItsKey(request, i))
            {
                _ready.Enqueue(record.Index, record.Index);
            }

            if (_ordering == RelayOrdering.Packed && !landed[i])
            {
                (failedKeys ??= new HashSet<string>(StringComparer.Ordinal)).Add(record.PartitionKey);
            }
        }

        return durable;
    }

    /// <summary>Whether request[i] is the record of its key right after request[i - 1]: a run's later record (never so but aggregated).</summary>
    private bool IsNextOfItsKey(IReadOnlyList<SourceRecord> request, int i) =>
        _ordering == RelayOrdering.Aggregated && i > 0 && _nextOfKey[request[i - 1].Index] == request[i].Index;

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
