namespace Replicator.LocalCloud.Emulators;

/// <summary>Where one simulated region's services listen. DynamoDB is the same for every region (global tables).</summary>
/// <param name="GlueEndpoint">The region's Glue Data Catalog: a local stand-in, as no npm emulator serves Glue.</param>
public sealed record RegionEndpoints(string Region, Uri KinesisEndpoint, Uri DynamoDbEndpoint, Uri S3Endpoint, Uri GlueEndpoint);
