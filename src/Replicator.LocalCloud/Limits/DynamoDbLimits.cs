namespace Replicator.LocalCloud.Limits;

/// <summary>
/// What the local DynamoDB enforces: DynamoDB's per-partition write limit of 1,000 write units a
/// second ("Quotas in Amazon DynamoDB", and its guide to designing partition keys), applied to each
/// partition key, the most one key can ever get (keys that share a partition on AWS share it too, so
/// this is a ceiling, not a promise). A write unit is 1 KB of the larger of the item before and after,
/// as dynalite reports it; a write whose condition fails still costs one.
/// </summary>
public sealed record DynamoDbLimits
{
    public static DynamoDbLimits Strict { get; } = new();

    /// <summary>dynalite as it is, for a test or benchmark that measures something else.</summary>
    public static DynamoDbLimits Off { get; } = new() { Enforced = false };

    public bool Enforced { get; init; } = true;

    public int WriteUnitsPerSecondPerKey { get; init; } = 1_000;
}
