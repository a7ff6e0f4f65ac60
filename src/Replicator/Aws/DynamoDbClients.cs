using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Replicator.Aws;

/// <summary>DynamoDB clients for a region, at the endpoint <see cref="ServiceEndpoints"/> chose (null: the region's own).</summary>
public static class DynamoDbClients
{
    public static AmazonDynamoDBClient Create(string region, AWSCredentials credentials, Uri? endpoint) =>
        new(credentials, SdkClientEndpoint.Apply(new AmazonDynamoDBConfig(), region, endpoint));
}
