namespace Replicator.Aws.Kinesis;

/// <summary>Reads a stream's name out of its ARN, as Lambda events and Firehose events carry it.</summary>
public static class StreamArns
{
    /// <summary>
    /// The stream name of <c>arn:aws:kinesis:REGION:ACCOUNT:stream/NAME</c>, also of an enhanced fan-out
    /// consumer's <c>…:stream/NAME/consumer/CONSUMER:TIMESTAMP</c>; null when the text is not such an ARN.
    /// </summary>
    public static string? StreamName(string? arn)
    {
        var marker = arn?.IndexOf(":stream/", StringComparison.Ordinal) ?? -1;
        if (marker < 0 || !arn!.StartsWith("arn:", StringComparison.Ordinal))
        {
            return null;
        }

        var name = arn[(marker + ":stream/".Length)..];
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? name : name[..slash];
    }
}
