using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Replicator.Aws.Kinesis;
using Replicator.Consumers;

namespace Replicator.LocalCloud.Consumers;

/// <summary>
/// A consumer that keeps its progress as a KCL 2.x/3.x application does (amazon-kinesis-client 3.5.1),
/// so a translated lease table is tested against KCL's rules rather than ours: one lease per shard;
/// a new table gets a lease per shard at TRIM_HORIZON; a lease resumes with AT_SEQUENCE_NUMBER at its
/// checkpoint and drops records at or before it (ProcessTask.filterAndGetMaxExtendedSequenceNumber); a
/// shard waits while a parent's lease is short of SHARD_END (BlockOnParentShardTask); the checkpoint is the
/// last record processed, written every <paramref name="checkpointEvery"/> records and at a graceful stop.
/// Each shard reads at most <paramref name="recordsPerSecond"/> of it, so shards fall behind unevenly.
/// </summary>
public sealed class KclShapedConsumer(
    KinesisClient kinesis, IAmazonDynamoDB dynamoDb, string streamName, string leaseTable, Func<string, int> recordsPerSecond, int checkpointEvery = 50)
{
    /// <summary>Under half the shard's five reads a second, which the relay shares: a page per poll sets the shard's pace.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(400);

    private readonly ConcurrentQueue<(string ShardId, KinesisRecord Record)> _delivered = new();

    public IReadOnlyCollection<(string ShardId, KinesisRecord Record)> Delivered => _delivered;

    /// <summary>Reads every lease's shard until <paramref name="stop"/> is cancelled, then checkpoints where each got.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var leases = await LeasesAsync(stop).ConfigureAwait(false);
        await Task.WhenAll(leases.Select(lease => RunShardAsync(lease.Key, lease.Value, leases, stop))).ConfigureAwait(false);
    }

    private async Task<Dictionary<string, IReadOnlyList<string>>> LeasesAsync(CancellationToken cancellationToken)
    {
        var items = (await dynamoDb.ScanAsync(new ScanRequest { TableName = leaseTable, ConsistentRead = true }, cancellationToken).ConfigureAwait(false)).Items;
        if (items.Count == 0)
        {
            // A new application: a lease per shard at TRIM_HORIZON, with its parents and hash range, as KCL's shard sync writes them.
            var shards = (await kinesis.ListShardsAsync(streamName, cancellationToken).ConfigureAwait(false)).Select(TargetShard.From).ToList();
            var fromStart = shards.Select(s => new TargetPosition(s.ShardId, null, Finished: false, DuplicateBound: 0, "a new application")).ToList();
            await new KclLeases(dynamoDb).WriteAsync(leaseTable, fromStart, shards, multiStream: null, cancellationToken).ConfigureAwait(false);
            return shards.ToDictionary(s => s.ShardId, s => s.ParentShardIds);
        }

        return items.ToDictionary(i => i[KclLeases.LeaseKey].S, i => (IReadOnlyList<string>)(i.GetValueOrDefault(KclLeases.ParentShardId)?.SS ?? []));
    }

    private async Task RunShardAsync(string shardId, IReadOnlyList<string> parents, Dictionary<string, IReadOnlyList<string>> leases, CancellationToken stop)
    {
        try
        {
            while (await ParentShortOfEndAsync(parents, leases, stop).ConfigureAwait(false))
            {
                await Task.Delay(200, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return;
        }

        var checkpoint = await CheckpointOfAsync(shardId, CancellationToken.None).ConfigureAwait(false);
        if (checkpoint == KclLeases.ShardEnd)
        {
            return;
        }

        var iterator = (await kinesis.GetShardIteratorAsync(checkpoint is KclLeases.TrimHorizon or KclLeases.Latest
            ? new GetShardIteratorRequest(streamName, shardId, checkpoint)
            : new GetShardIteratorRequest(streamName, shardId, ShardIteratorTypes.AtSequenceNumber) { StartingSequenceNumber = checkpoint }, CancellationToken.None).ConfigureAwait(false)).ShardIterator;
        var processed = checkpoint;
        var sinceCheckpoint = 0;
        var limit = Math.Max(1, (int)(recordsPerSecond(shardId) * Poll.TotalSeconds));
        try
        {
            while (iterator is not null && !stop.IsCancellationRequested)
            {
                var page = await PatientReads.GetRecordsAsync(kinesis, new GetRecordsRequest(iterator) { Limit = limit }, stop).ConfigureAwait(false);
                foreach (var record in page.Records.Where(r => !AtOrBefore(r.SequenceNumber, checkpoint)))
                {
                    _delivered.Enqueue((shardId, record));
                    processed = record.SequenceNumber;
                    if (++sinceCheckpoint >= checkpointEvery)
                    {
                        await WriteCheckpointAsync(shardId, processed, CancellationToken.None).ConfigureAwait(false);
                        sinceCheckpoint = 0;
                    }
                }

                iterator = page.NextShardIterator;
                await Task.Delay(Poll, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // A graceful stop: the checkpoint below records where the shard got.
        }

        await WriteCheckpointAsync(shardId, iterator is null ? KclLeases.ShardEnd : processed, CancellationToken.None).ConfigureAwait(false);
    }

    private static bool AtOrBefore(string sequenceNumber, string checkpoint) =>
        checkpoint is not (KclLeases.TrimHorizon or KclLeases.Latest) && Relay.SequenceNumbers.Compare(sequenceNumber, checkpoint) <= 0;

    private async Task<bool> ParentShortOfEndAsync(IReadOnlyList<string> parents, Dictionary<string, IReadOnlyList<string>> leases, CancellationToken cancellationToken)
    {
        foreach (var parent in parents.Where(leases.ContainsKey))
        {
            if (await CheckpointOfAsync(parent, cancellationToken).ConfigureAwait(false) != KclLeases.ShardEnd)
            {
                return true;
            }
        }

        return false;
    }

    private async Task<string> CheckpointOfAsync(string shardId, CancellationToken cancellationToken) =>
        (await dynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = leaseTable,
            ConsistentRead = true,
            Key = new() { [KclLeases.LeaseKey] = new() { S = shardId } },
        }, cancellationToken).ConfigureAwait(false)).Item[KclLeases.Checkpoint].S;

    private Task WriteCheckpointAsync(string shardId, string checkpoint, CancellationToken cancellationToken) =>
        dynamoDb.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = leaseTable,
            Key = new() { [KclLeases.LeaseKey] = new() { S = shardId } },
            UpdateExpression = "SET #c = :c, #s = :zero",
            ExpressionAttributeNames = new() { ["#c"] = KclLeases.Checkpoint, ["#s"] = KclLeases.CheckpointSubSequenceNumber },
            ExpressionAttributeValues = new() { [":c"] = new() { S = checkpoint }, [":zero"] = new() { N = "0" } },
        }, cancellationToken);
}
