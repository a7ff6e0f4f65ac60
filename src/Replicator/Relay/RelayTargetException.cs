using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

/// <summary>
/// The target stream cannot take records for a reason only an operator can fix (it does not exist,
/// the relay may not write to it, or its records may not be as large as the source's); the message
/// names the settings and permissions involved.
/// </summary>
public sealed class RelayTargetException : Exception
{
    public RelayTargetException(string message)
        : base(message)
    {
    }

    public RelayTargetException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Explains <paramref name="error"/> in terms of the relay's settings, or returns null when it needs no explaining.</summary>
    public static RelayTargetException? Explain(Exception error, RelaySettings settings, string targetStream)
    {
        var streamSetting = settings.TargetStreamName is null
            ? $"the source stream's name, as {RelayEnvironment.TargetStreamName} is not set"
            : RelayEnvironment.TargetStreamName;
        return error switch
        {
            ResourceNotFoundException => new RelayTargetException(
                $"Target stream '{targetStream}' does not exist in {settings.TargetRegion} ({RelayEnvironment.TargetRegion}; stream name from {streamSetting}). " +
                $"Create it there, or correct the setting. Kinesis said: {error.Message}",
                error),
            AccessDeniedException => new RelayTargetException(
                $"The relay may not write to stream '{targetStream}' in {settings.TargetRegion}: " +
                (settings.TargetRoleArn is { } role
                    ? $"the role {role} ({RelayEnvironment.TargetRoleArn}) needs kinesis:PutRecords on that stream. "
                    : $"its role needs kinesis:PutRecords on that stream (or set {RelayEnvironment.TargetRoleArn} to a role of the target's account). ") +
                $"Kinesis said: {error.Message}",
                error),
            KmsException kms => new RelayTargetException(
                $"Stream '{targetStream}' in {settings.TargetRegion} is encrypted with a KMS key the relay cannot use ({kms.ErrorCode}): its role needs kms:GenerateDataKey on that key. Kinesis said: {error.Message}",
                error),
            _ => null,
        };
    }
}
