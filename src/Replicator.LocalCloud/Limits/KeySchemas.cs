using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Replicator.LocalCloud.Limits;

/// <summary>Each table's key attributes, read once with DescribeTable; a failure is not remembered, as the table may be created next.</summary>
public sealed class KeySchemas(IAmazonDynamoDB dynamoDb)
{
    private readonly ConcurrentDictionary<string, Task<List<KeySchemaElement>>> _tables = new(StringComparer.Ordinal);

    public Task<List<KeySchemaElement>> OfAsync(string table) => _tables.GetOrAdd(table, ReadAsync);

    private async Task<List<KeySchemaElement>> ReadAsync(string table)
    {
        try
        {
            return (await dynamoDb.DescribeTableAsync(table).ConfigureAwait(false)).Table.KeySchema;
        }
        catch
        {
            _tables.TryRemove(table, out _);
            throw;
        }
    }
}
