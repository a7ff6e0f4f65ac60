using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Replicator.Relay;

namespace Replicator.LocalCloud.Demo;

/// <summary>Creates the config, checkpoint and replay-progress tables, if absent, the way ddb-template.yml does (seed 004's two keyed on streamName).</summary>
public static class ReplicatorTables
{
    public const string Config = "kdsActiveRegionConfig";
    public const string Checkpoint = "kdsReplicationCheckpoint";
    public const string ReplayProgress = "kdsReplayProgress";

    public static async Task CreateAsync(IAmazonDynamoDB dynamoDb, CancellationToken cancellationToken)
    {
        foreach (var (table, key) in new[] { (Config, TableAttributes.StreamName), (Checkpoint, TableAttributes.StreamName), (ReplayProgress, Replicator.Replay.ReplayProgressStore.ReplayId) })
        {
            try
            {
                await dynamoDb.CreateTableAsync(new CreateTableRequest
                {
                    TableName = table,
                    AttributeDefinitions = [new AttributeDefinition(key, ScalarAttributeType.S)],
                    KeySchema = [new KeySchemaElement(key, KeyType.HASH)],
                    BillingMode = BillingMode.PAY_PER_REQUEST,
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (ResourceInUseException)
            {
                // Already there: every stream shares the two tables, each keyed by its name.
            }
        }

        foreach (var table in new[] { Config, Checkpoint, ReplayProgress })
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
