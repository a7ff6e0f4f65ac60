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

    [Property(MaxTest = 300)]
    public Property A_window_sends_nothing_past_its_lead_and_a_stop_leaves_nothing_in_doubt(NonEmptyArray<RecordShape> shapes, int failureSeed, byte failurePercent, byte every, byte stopAfter)
    {
        var records = Records(shapes);
        var target = new CheckingTarget(records, new Random(failureSeed), (failurePercent % 60) / 100.0, RelayOrdering.Strict);
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

        var outcome = new RecordDelivery(target, Limits, new SkipShortWaitsTimeProvider())
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
    private sealed class CheckingTarget(IReadOnlyList<SourceRecord> records, Random random, double failureRate, RelayOrdering ordering) : IPutRecordsTarget
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

        private long _sequence = 1000;

        public Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken)
        {
            var sent = request.Records.Select(entry => records[BitConverter.ToInt32(entry.Data.ToArray(), 0)]).ToArray();
            Check(sent);
            if (random.NextDouble() < failureRate / 3)
            {
                throw RecordingTarget.Throttled();
            }

            var lands = sent.Select(_ => random.NextDouble() >= failureRate).ToArray();
            var landingOrder = Enumerable.Range(0, sent.Length).Where(i => lands[i]).ToArray();
            if (ReorderLandings && random.NextDouble() < 0.5)
            {
                random.Shuffle(landingOrder);
            }

            var results = new PutRecordsResultEntry[sent.Length];
            foreach (var i in landingOrder)
            {
                LandedCount[sent[i].Index]++;
                Landings.Add(sent[i].Index);
                results[i] = new PutRecordsResultEntry((++_sequence).ToString(System.Globalization.CultureInfo.InvariantCulture), "shardId-000000000000", null, null);
            }

            for (var i = 0; i < sent.Length; i++)
            {
                results[i] ??= new PutRecordsResultEntry(null, null, "ProvisionedThroughputExceededException", "injected");
            }

            return Task.FromResult(new PutRecordsResponse(results.Count(r => !r.Succeeded), results));
        }

        private void Check(SourceRecord[] sent)
        {
            if (sent.Length > Limits.MaxRecords || (sent.Length > 1 && sent.Sum(r => r.RequestBytes) > Limits.MaxBytes))
            {
                Violations.Add($"request of {sent.Length} records, {sent.Sum(r => r.RequestBytes)} bytes exceeds the limits");
            }

            if (sent.FirstOrDefault(r => r.Index >= (long)Checkpointed + Lead) is { } beyond)
            {
                Violations.Add($"record {beyond.Index} sent past the window (checkpoint {Checkpointed}, lead {Lead})");
            }

            if (ordering == RelayOrdering.Strict && sent.GroupBy(r => r.PartitionKey).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            {
                Violations.Add($"request carries {repeated.Count()} records of key {repeated.Key}");
            }

            foreach (var (record, position) in sent.Select((r, i) => (r, i)))
            {
                // Packed: an earlier record of the key may also be ahead of it in this request.
                var aheadInRequest = ordering == RelayOrdering.Packed ? sent.Take(position).Select(r => r.Index).ToHashSet() : [];
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
