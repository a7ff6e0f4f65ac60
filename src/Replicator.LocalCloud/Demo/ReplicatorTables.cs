using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Replicator.Relay;

namespace Replicator.LocalCloud.Demo;

/// <summary>Creates the config, checkpoint, replay-progress and position-sample tables, if absent, the way ddb-template.yml does (seed 004's two keyed on streamName).</summary>
public static class ReplicatorTables
{
    public const string Config = "kdsActiveRegionConfig";
    public const string Checkpoint = "kdsReplicationCheckpoint";
    public const string ReplayProgress = "kdsReplayProgress";
    public const string Positions = "kdsReplicationPositions";

    /// <summary>The tables ddb-template.yml creates as global tables, a replica in each region; any other table is regional.</summary>
    public static readonly IReadOnlySet<string> Global = new HashSet<string>(StringComparer.Ordinal) { Config, Checkpoint, ReplayProgress, Positions };

    public static async Task CreateAsync(IAmazonDynamoDB dynamoDb, CancellationToken cancellationToken)
    {
        foreach (var (table, key, range) in new[]
        {
            (Config, TableAttributes.StreamName, null),
            (Checkpoint, TableAttributes.StreamName, null),
            (ReplayProgress, Replicator.Replay.ReplayProgressStore.ReplayId, null),
            (Positions, PositionSamples.SourceShard, PositionSamples.FirstSequenceNumber),
        })
        {
            try
            {
                await dynamoDb.CreateTableAsync(new CreateTableRequest
                {
                    TableName = table,
                    AttributeDefinitions = [new AttributeDefinition(key, ScalarAttributeType.S), .. range is null ? [] : new[] { new AttributeDefinition(range, ScalarAttributeType.S) }],
                    KeySchema = [new KeySchemaElement(key, KeyType.HASH), .. range is null ? [] : new[] { new KeySchemaElement(range, KeyType.RANGE) }],
                    BillingMode = BillingMode.PAY_PER_REQUEST,
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (ResourceInUseException)
            {
                // Already there: every stream shares the two tables, each keyed by its name.
            }
        }

        foreach (var table in Global)
        {
            while ((await dynamoDb.DescribeTableAsync(table, cancellationToken).ConfigureAwait(false)).Table.TableStatus != TableStatus.ACTIVE)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Marks the stream active in a region exactly as seed 004's README does with put-item.</summary>
    public static Task SetActiveRegionAsync(IAmazonDynamoDB dynamoDb, string streamName, string region, CancellationToken cancellationToken) =>
        dynamoDb.PutItemAsync(new PutItemRequest
        {
            TableName = Config,
            Item = new()
            {
                [TableAttributes.StreamName] = new AttributeValue { S = streamName },
                [TableAttributes.ActiveRegion] = new AttributeValue { S = region },
            },
        }, cancellationToken);
}
