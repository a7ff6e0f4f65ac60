using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Replicator.Aws.Kinesis;
using Replicator.Relay;
using Replicator.Tests.Fakes;

namespace Replicator.Tests.Relay;

/// <summary>
/// For any batch and any pattern of per-record and whole-request failures, strict delivery never sends
/// a key's record before every earlier record of that key is durable, never puts two records of a key
/// in one request, never exceeds the request limits, and ends with every record delivered once. Packed
/// delivery keeps the limits, sends a key's record only behind every earlier one (landed, or ahead of it
/// in the same request), and ends with the last copies of each key's records in source order.
/// </summary>
public sealed class DeliveryProperties
{
    // Small limits so that generated batches hit them often.
    private static readonly PutRecordsLimits Limits = new(MaxRecords: 7, MaxBytes: 400);

    [Property(MaxTest = 300)]
    public Property Per_key_order_and_limits_hold_under_any_failure_pattern(NonEmptyArray<RecordShape> shapes, int failureSeed, byte failurePercent)
    {
        var records = Records(shapes);
        var target = new CheckingTarget(records, new Random(failureSeed), (failurePercent % 90) / 100.0, RelayOrdering.Strict);

        var outcome = Deliver(target, records, RelayOrdering.Strict);

        return (target.Violations.Count == 0).Label(string.Join("; ", target.Violations.Take(3)))
            .And(outcome.DurablePrefix == records.Length).Label($"durable prefix {outcome.DurablePrefix} of {records.Length}")
            .And(target.LandedCount.All(n => n == 1)).Label("every record landed exactly once");
    }

    [Property(MaxTest = 300)]
    public Property Packed_last_copies_are_in_per_key_order_under_any_failure_pattern(NonEmptyArray<RecordShape> shapes, int failureSeed, byte failurePercent) =>
        PackedLastCopiesInOrder(shapes, failureSeed, failurePercent, reorderLandings: false);

    /// <summary>PutRecords does not promise in-request order: here half the requests land their records in a shuffled order.</summary>
    [Property(MaxTest = 300)]
    public Property Packed_last_copies_are_in_per_key_order_whatever_order_a_request_lands_in(NonEmptyArray<RecordShape> shapes, int failureSeed, byte failurePercent) =>
        PackedLastCopiesInOrder(shapes, failureSeed, failurePercent, reorderLandings: true);

    private static Property PackedLastCopiesInOrder(NonEmptyArray<RecordShape> shapes, int failureSeed, byte failurePercent, bool reorderLandings)
    {
        var records = Records(shapes);
        var target = new CheckingTarget(records, new Random(failureSeed), (failurePercent % 90) / 100.0, RelayOrdering.Packed) { ReorderLandings = reorderLandings };

        var outcome = Deliver(target, records, RelayOrdering.Packed);
        var lastCopiesOutOfOrder = target.Landings
            .Select((index, position) => (index, position))
            .GroupBy(l => l.index)
            .Select(copies => copies.Last())
            .OrderBy(l => l.position)
            .GroupBy(l => records[l.index].PartitionKey)
            .Where(key => !key.Select(l => l.index).SequenceEqual(key.Select(l => l.index).Order()))
            .Select(key => key.Key)
            .ToArray();

        return (target.Violations.Count == 0).Label(string.Join("; ", target.Violations.Take(3)))
            .And(outcome.DurablePrefix == records.Length).Label($"durable prefix {outcome.DurablePrefix} of {records.Length}")
            .And(target.LandedCount.All(n => n >= 1)).Label("every record landed")
            .And(lastCopiesOutOfOrder.Length == 0).Label($"last copies out of order for keys {string.Join(", ", lastCopiesOutOfOrder)}");
    }

    /// <summary>
    /// Aggregated: each key's runs go as KPL aggregates, which land whole or not at all, in whatever order
    /// a request lands its entries: every record lands exactly once, each key's in source order, and no
    /// aggregate exceeds the record limit (small here, so runs are cut often).
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Aggregated_records_land_once_in_per_key_order_whatever_fails_and_however_a_request_lands(NonEmptyArray<RecordShape> shapes, int failureSeed, byte failurePercent)
    {
        var records = Records(shapes);
        var limits = Limits with { MaxRecordBytes = 300 };
        var target = new CheckingTarget(records, new Random(failureSeed), (failurePercent % 90) / 100.0, RelayOrdering.Aggregated, limits) { ReorderLandings = true };

        var outcome = new RecordDelivery(target, limits, new SkipShortWaitsTimeProvider(), RelayOrdering.Aggregated)
            .DeliverAsync("orders", records, DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None).GetAwaiter().GetResult();
        var outOfOrder = target.Landings
            .GroupBy(index => records[index].PartitionKey)
            .Where(key => !key.SequenceEqual(key.Order()))
            .Select(key => key.Key)
            .ToArray();

        return (target.Violations.Count == 0).Label(string.Join("; ", target.Violations.Take(3)))
            .And(outcome.DurablePrefix == records.Length).Label($"durable prefix {outcome.DurablePrefix} of {records.Length}")
            .And(target.LandedCount.All(n => n == 1)).Label("every record landed exactly once")
            .And(outOfOrder.Length == 0).Label($"keys out of order: {string.Join(", ", outOfOrder)}");
    }

    [Property(MaxTest = 300)]
    public Property A_window_sends_nothing_past_its_lead_and_a_stop_leaves_nothing_in_doubt(NonEmptyArray<RecordShape> shapes, int failureSeed, byte failurePercent, byte every, byte stopAfter) =>
        WindowHolds(shapes, failureSeed, failurePercent, every, stopAfter, RelayOrdering.Strict);

    /// <summary>The replay aggregates where the relay does: an aggregate's runs stay inside the window too.</summary>
    [Property(MaxTest = 300)]
    public Property Aggregated_a_window_sends_nothing_past_its_lead_and_a_stop_leaves_nothing_in_doubt(NonEmptyArray<RecordShape> shapes, int failureSeed, byte failurePercent, byte every, byte stopAfter) =>
        WindowHolds(shapes, failureSeed, failurePercent, every, stopAfter, RelayOrdering.Aggregated);

    private static Property WindowHolds(NonEmptyArray<RecordShape> shapes, int failureSeed, byte failurePercent, byte every, byte stopAfter, RelayOrdering ordering)
    {
        var records = Records(shapes);
        var target = new CheckingTarget(records, new Random(failureSeed), (failurePercent % 60) / 100.0, ordering);
        var checkpoints = new List<int>();
        var checkpointEvery = 1 + (every % 10);
        var stopAtCheckpoint = stopAfter % 5; // 0: never stop
        var window = new DeliveryWindow(
            checkpointEvery,
            (prefix, _) =>
            {
                checkpoints.Add(prefix);
                target.Checkpointed = prefix;
                return Task.FromResult(checkpoints.Count != stopAtCheckpoint);
            });
        target.Lead = window.Lead;

        var outcome = new RecordDelivery(target, Limits, new SkipShortWaitsTimeProvider(), ordering)
            .DeliverAsync("orders", records, DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None, window).GetAwaiter().GetResult();

        var stopped = stopAtCheckpoint > 0 && checkpoints.Count == stopAtCheckpoint;
        return (target.Violations.Count == 0).Label(string.Join("; ", target.Violations.Take(3)))
            .And(checkpoints.Zip(checkpoints.Skip(1)).All(p => p.Second - p.First >= checkpointEvery)).Label($"checkpoints {string.Join(",", checkpoints)} closer than {checkpointEvery}")
            .And(stopped ? outcome.NothingInDoubt : outcome.DurablePrefix == records.Length).Label($"stopped {stopped}: durable prefix {outcome.DurablePrefix}, sent up to {outcome.SentUpTo} of {records.Length}")
            .And(target.LandedCount.All(n => n <= 1)).Label("no record landed twice");
    }

    private static SourceRecord[] Records(NonEmptyArray<RecordShape> shapes) =>
        shapes.Get.Select((shape, index) => new SourceRecord(
            index,
            (1000 + index).ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"k{shape.Key % 9}",
            Base64Data.FromBytes(BitConverter.GetBytes(index).Concat(new byte[shape.Padding % 120]).ToArray()),
            DateTimeOffset.UnixEpoch)).ToArray();

    private static DeliveryOutcome Deliver(IPutRecordsTarget target, SourceRecord[] records, RelayOrdering ordering) =>
        new RecordDelivery(target, Limits, new SkipShortWaitsTimeProvider(), ordering)
            .DeliverAsync("orders", records, DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None).GetAwaiter().GetResult();

    public sealed record RecordShape(byte Key, byte Padding);

    /// <summary>Fails records and requests at random, and checks each request against what has landed so far.</summary>
    private sealed class CheckingTarget(IReadOnlyList<SourceRecord> records, Random random, double failureRate, RelayOrdering ordering, PutRecordsLimits? checkedLimits = null) : IPutRecordsTarget
    {
        public List<string> Violations { get; } = [];

        public int[] LandedCount { get; } = new int[records.Count];

        /// <summary>Source indexes in the order they landed in the target, copies included.</summary>
        public List<int> Landings { get; } = [];

        /// <summary>With a window: the durable prefix last checkpointed, and how far past it records may go.</summary>
        public int Checkpointed { get; set; }

        public int Lead { get; set; } = int.MaxValue;

        /// <summary>Half the requests land their records in a shuffled order, sequence numbers following the landing.</summary>
        public bool ReorderLandings { get; init; }

        private readonly PutRecordsLimits limits = checkedLimits ?? Limits;

        private long _sequence = 1000;

        public Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken)
        {
            // Each entry's records: the entry's own, or an aggregate's, split as a KCL consumer splits it.
            var entries = request.Records.Select(entry =>
            {
                var data = entry.Data.ToArray();
                return (KplAggregate.Split(data)?.Select(u => u.Data) ?? [data]).Select(d => records[BitConverter.ToInt32(d, 0)]).ToArray();
            }).ToArray();
            Check(request, entries);
            if (random.NextDouble() < failureRate / 3)
            {
                throw RecordingTarget.Throttled();
            }

            var lands = entries.Select(_ => random.NextDouble() >= failureRate).ToArray();
            var landingOrder = Enumerable.Range(0, entries.Length).Where(i => lands[i]).ToArray();
            if (ReorderLandings && random.NextDouble() < 0.5)
            {
                random.Shuffle(landingOrder);
            }

            var results = new PutRecordsResultEntry[entries.Length];
            foreach (var i in landingOrder)
            {
                foreach (var record in entries[i])
                {
                    LandedCount[record.Index]++;
                    Landings.Add(record.Index);
                }

                results[i] = new PutRecordsResultEntry((++_sequence).ToString(System.Globalization.CultureInfo.InvariantCulture), "shardId-000000000000", null, null);
            }

            for (var i = 0; i < entries.Length; i++)
            {
                results[i] ??= new PutRecordsResultEntry(null, null, "ProvisionedThroughputExceededException", "injected");
            }

            return Task.FromResult(new PutRecordsResponse(results.Count(r => !r.Succeeded), results));
        }

        private void Check(PutRecordsRequest request, SourceRecord[][] entries)
        {
            var bytes = request.Records.Sum(e => e.Data.Length + e.PartitionKey.Length);
            if (entries.Length > limits.MaxRecords || (entries.Length > 1 && bytes > limits.MaxBytes))
            {
                Violations.Add($"request of {entries.Length} records, {bytes} bytes exceeds the limits");
            }

            if (request.Records.Where((e, i) => entries[i].Length > 1 && e.Data.Length + e.PartitionKey.Length > limits.MaxRecordBytes).FirstOrDefault() is { } tooLarge)
            {
                Violations.Add($"an aggregate of {tooLarge.Data.Length} bytes exceeds the record limit");
            }

            var sent = entries.SelectMany(e => e).ToArray();
            if (sent.FirstOrDefault(r => r.Index >= (long)Checkpointed + Lead) is { } beyond)
            {
                Violations.Add($"record {beyond.Index} sent past the window (checkpoint {Checkpointed}, lead {Lead})");
            }

            if (ordering != RelayOrdering.Packed && entries.GroupBy(e => e[0].PartitionKey).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            {
                Violations.Add($"request carries {repeated.Count()} entries of key {repeated.Key}");
            }

            foreach (var entry in entries.Where(e => e.Length > 1))
            {
                // An aggregate is a run of one key, each record the key's next in the source.
                var ofKey = records.Where(r => r.PartitionKey == entry[0].PartitionKey).Select(r => r.Index).ToList();
                if (entry.Any(r => r.PartitionKey != entry[0].PartitionKey)
                    || entry.Zip(entry.Skip(1)).Any(p => ofKey.IndexOf(p.Second.Index) != ofKey.IndexOf(p.First.Index) + 1))
                {
                    Violations.Add($"aggregate [{string.Join(",", entry.Select(r => r.Index))}] is not a run of one key's consecutive records");
                }
            }

            foreach (var (record, position) in sent.Select((r, i) => (r, i)))
            {
                // Packed: an earlier record of the key may also be ahead of it in this request; aggregated, in its aggregate.
                var aheadInRequest = ordering == RelayOrdering.Packed ? sent.Take(position).Select(r => r.Index).ToHashSet()
                    : ordering == RelayOrdering.Aggregated ? entries.Single(e => e.Contains(record)).TakeWhile(r => r != record).Select(r => r.Index).ToHashSet()
                    : [];
                var earlier = records.Take(record.Index)
                    .Where(r => r.PartitionKey == record.PartitionKey && LandedCount[r.Index] == 0 && !aheadInRequest.Contains(r.Index))
                    .ToArray();
                if (earlier.Length > 0)
                {
                    Violations.Add($"record {record.Index} of key {record.PartitionKey} sent before earlier record {earlier[0].Index} landed");
                }
            }
        }
    }
}
