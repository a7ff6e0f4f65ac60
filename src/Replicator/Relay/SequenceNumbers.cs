namespace Replicator.Relay;

/// <summary>
/// Kinesis sequence numbers are decimal strings of up to 128 bits (39 digits). Stored zero-padded to a
/// fixed width, string order is numeric order, so DynamoDB conditions can compare them.
/// </summary>
public static class SequenceNumbers
{
    public const int Width = 40;

    public static string Pad(string sequenceNumber)
    {
        if (sequenceNumber.Length == 0 || sequenceNumber.Length > Width || !sequenceNumber.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"'{sequenceNumber}' is not a Kinesis sequence number.", nameof(sequenceNumber));
        }

        return sequenceNumber.PadLeft(Width, '0');
    }
}
