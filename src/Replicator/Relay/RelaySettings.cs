using Replicator.Aws;
using Replicator.Lambda;
using static Replicator.Lambda.EnvironmentSettings;

namespace Replicator.Relay;

/// <summary>The relay's settings, read and checked once at init so a mistake fails the init, not every batch.</summary>
public sealed record RelaySettings(
    string SourceRegion,
    string TargetRegion,
    string ConfigTable,
    string CheckpointTable,
    string PositionsTable,
    TimeSpan PositionSampleRetention,
    string? TargetStreamName,
    TimeSpan GateCacheTtl,
    Uri? TargetKinesisEndpoint,
    Uri? DynamoDbEndpoint,
    string? TargetRoleArn = null,
    Uri? StsEndpoint = null,
    RelayOrdering Ordering = RelayOrdering.Strict,
    Uri? SourceKinesisEndpoint = null)
{
    public static readonly TimeSpan DefaultGateCacheTtl = TimeSpan.FromSeconds(5);

    /// <summary>The default stream retention (a week) and a day for DynamoDB's TTL and Kinesis's trimming to lag.</summary>
    public static readonly TimeSpan DefaultPositionSampleRetention = TimeSpan.FromHours(168 + 24);

    /// <summary>Kinesis's longest retention (365 days) and that day.</summary>
    private const int MaxPositionSampleRetentionHours = 8760 + 24;

    /// <exception cref="SettingsException">A required setting is missing or a value is invalid.</exception>
    public static RelaySettings From(IReadOnlyDictionary<string, string> environment)
    {
        var source = Required(environment, RelayEnvironment.SourceRegion);
        var target = Required(environment, RelayEnvironment.TargetRegion);
        if (string.Equals(source, target, StringComparison.OrdinalIgnoreCase))
        {
            throw new SettingsException(RelayEnvironment.TargetRegion,
                $"the target region '{target}' is this function's own region ({RelayEnvironment.SourceRegion}); a relay must copy to another region.");
        }

        return new RelaySettings(
            source,
            target,
            Required(environment, RelayEnvironment.ConfigTable),
            Required(environment, RelayEnvironment.CheckpointTable),
            Required(environment, RelayEnvironment.PositionsTable),
            PositionSampleRetentionFrom(environment),
            Optional(environment, RelayEnvironment.TargetStreamName),
            Seconds(environment, RelayEnvironment.GateCacheTtlSeconds, DefaultGateCacheTtl, max: 300),
            ServiceEndpoints.Resolve(environment, AwsServiceId.Kinesis, RelayEnvironment.TargetKinesisEndpoint),
            ServiceEndpoints.Resolve(environment, AwsServiceId.DynamoDb, RelayEnvironment.DynamoDbEndpoint),
            RoleArn(environment),
            ServiceEndpoints.Resolve(environment, AwsServiceId.Sts, RelayEnvironment.StsEndpoint),
            OrderingFrom(environment),
            ServiceEndpoints.Resolve(environment, AwsServiceId.Kinesis, RelayEnvironment.SourceKinesisEndpoint));
    }

    /// <summary>The ordering <c>RELAY_ORDERING</c> names (strict when unset); the replay reads it too.</summary>
    public static RelayOrdering OrderingFrom(IReadOnlyDictionary<string, string> environment) =>
        Optional(environment, RelayEnvironment.Ordering) switch
        {
            null or "strict" => RelayOrdering.Strict,
            "packed" => RelayOrdering.Packed,
            "aggregated" => RelayOrdering.Aggregated,
            var other => throw new SettingsException(RelayEnvironment.Ordering,
                $"'{other}' is not an ordering; use strict (each key's first copies in order), packed (each key's last copies in order) or aggregated (strict, a key's runs as KPL aggregated records)."),
        };

    private static TimeSpan PositionSampleRetentionFrom(IReadOnlyDictionary<string, string> environment) =>
        OptionalPositiveInt(environment, RelayEnvironment.PositionSampleRetentionHours) switch
        {
            null => DefaultPositionSampleRetention,
            <= MaxPositionSampleRetentionHours and var hours => TimeSpan.FromHours(hours),
            var hours => throw new SettingsException(RelayEnvironment.PositionSampleRetentionHours,
                $"{hours} hours is longer than any stream keeps its records (at most {MaxPositionSampleRetentionHours}: 365 days and a day)."),
        };

    private static string? RoleArn(IReadOnlyDictionary<string, string> environment)
    {
        var arn = Optional(environment, RelayEnvironment.TargetRoleArn);
        return arn is null || (arn.StartsWith("arn:", StringComparison.Ordinal) && arn.Contains(":role/", StringComparison.Ordinal))
            ? arn
            : throw new SettingsException(RelayEnvironment.TargetRoleArn, $"'{arn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>).");
    }
}
