namespace Replicator.LocalCloud.Emulators;

/// <summary>Where one simulated region's services listen. DynamoDB is the same for every region (global tables).</summary>
public sealed record RegionEndpoints(string Region, Uri KinesisEndpoint, Uri DynamoDbEndpoint, Uri S3Endpoint);
