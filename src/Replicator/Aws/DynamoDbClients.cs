using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Replicator.Aws;

/// <summary>DynamoDB clients for a region, pointed at a local endpoint when one is configured.</summary>
public static class DynamoDbClients
{
    public static AmazonDynamoDBClient Create(string region, AWSCredentials credentials, Uri? endpoint)
    {
        var config = new AmazonDynamoDBConfig { RegionEndpoint = RegionEndpoint.GetBySystemName(region) };
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = region;
        }

        return new AmazonDynamoDBClient(credentials, config);
    }
}
