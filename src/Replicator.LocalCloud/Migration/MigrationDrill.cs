using Replicator.Aws.Kinesis;
using Replicator.LocalCloud.Demo;
using Replicator.LocalCloud.Emulators;
using Replicator.LocalCloud.EventSourceMapping;
using Replicator.LocalCloud.Verification;
using Replicator.Relay;

namespace Replicator.LocalCloud.Migration;

/// <summary>
/// A seed 004 installation switched to this relay in place: the seed-style relay copies a stream while
/// producers write, is stopped mid-stream, and this relay is deployed over the same stream and tables
/// (seed 004's config item, its watermark as it wrote it). Every record produced is then checked in the
/// target, and the seed-written watermark must have given way to this relay's.
/// </summary>
public static class MigrationDrill
{
    public static async Task<MigrationResult> RunAsync(TwoRegionCloud cloud, TextWriter functionLog, Action<string>? progress, CancellationToken cancellationToken, int records = 20_000)
    {
        var (a, b) = (cloud.Regions.First(), cloud.Regions.Last());
        var stream = $"migrate-{Guid.NewGuid():N}"[..24];
        var source = cloud.CreateKinesisClient(a);
        var target = cloud.CreateKinesisClient(b);
        using var dynamoDb = cloud.CreateDynamoDbClient(a);
        await ReplicatorTables.CreateAsync(dynamoDb, cancellationToken).ConfigureAwait(false);
        // Seed 004's README: aws dynamodb put-item … {"streamName": …, "activeRegion": …}, nothing else.
        await ReplicatorTables.SetActiveRegionAsync(dynamoDb, stream, a, cancellationToken).ConfigureAwait(false);
        foreach (var kinesis in new[] { source, target })
        {
            await kinesis.CreateStreamAsync(stream, 4, cancellationToken).ConfigureAwait(false);
            await kinesis.WaitUntilActiveAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        // Committed half a minute before they are produced, as a CDC source that runs behind its database does.
        // Commits ahead of their arrival would let seed 004 (which stores the commit as read) store a watermark
        // past anything that has arrived, which this relay can never prove and so never raises past: a
        // producer faster than one record a millisecond made the takeover flaky.
        var produced = CdcProducer.Generate(records, keys: 200, DateTimeOffset.UtcNow.AddSeconds(-30), zipfExponent: 1.1)
            .Select(r => r with { CommitTimestampFormat = CdcRecord.Seed004TimestampFormat }).ToArray();
        var producing = new CdcProducer(source, stream).ProduceAsync(produced, chunkSize: 200, produced: null, cancellationToken);

        progress?.Invoke("seed 004's relay copies the stream while producers write");
        var seed = new Seed004Relay(new KinesisPutRecordsTarget(target), dynamoDb, ReplicatorTables.Checkpoint);
        var seedMapping = new LocalEventSourceMapping(
            source,
            stream,
            () => FunctionInstance.OverSharedClients(seed.HandleAsync),
            (requestId, timeout) => LocalLambdaContext.Create(a, "seed-004-replicator", requestId, timeout, functionLog),
            new EventSourceMappingOptions { BatchSize = 100, FunctionName = "seed-004-replicator" });
        using (var stopSeed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var seedRunning = seedMapping.RunAsync(stopSeed.Token);
            while (seedMapping.RecordsAcknowledged < records / 3 && !producing.IsCompleted)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }

            await stopSeed.CancelAsync().ConfigureAwait(false);
            await seedRunning.ConfigureAwait(false);
        }

        var checkpoints = new CheckpointStore(dynamoDb, ReplicatorTables.Checkpoint, TimeProvider.System);
        var seedWatermark = (await checkpoints.ReadWatermarkAsync(stream, cancellationToken).ConfigureAwait(false)).Text;
        progress?.Invoke($"seed 004's relay stopped after {seedMapping.RecordsAcknowledged:N0} records (watermark {seedWatermark}); this relay takes over the same stream and tables");

        // As template.yaml deploys it: a new event source mapping from TRIM_HORIZON, so nothing the seed
        // relay had not copied is skipped; what it had copied arrives again behind it.
        var relay = LocalRelay.Create(cloud, stream, a, b, batchSize: 500, functionLog);
        using var stopRelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var relaying = relay.RunAsync(stopRelay.Token);
        await producing.ConfigureAwait(false);
        var deadline = DateTimeOffset.UtcNow.AddMinutes(5);
        while (relay.RecordsAcknowledged < records && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        await stopRelay.CancelAsync().ConfigureAwait(false);
        await relaying.ConfigureAwait(false);
        progress?.Invoke($"this relay acknowledged {relay.RecordsAcknowledged:N0} records; checking the target record by record");

        var arrived = await StreamContents.ReadAsync(target, stream, cancellationToken).ConfigureAwait(false);
        var check = ReplicationCheck.Compare(produced, arrived.SelectMany(s => s.Records).Select(r => CdcRecord.Parse(r.Data)));
        // The scheduled lag monitor's minute, once: it replaces seed 004's watermark with one it can prove.
        await LocalLagMonitor.RunOnceAsync(cloud, a, stream, b, cancellationToken).ConfigureAwait(false);
        var watermark = (await checkpoints.ReadWatermarkAsync(stream, cancellationToken).ConfigureAwait(false)).Text;
        return new MigrationResult(check, seedMapping.RecordsAcknowledged, seedWatermark, watermark);
    }
}
