namespace Replicator.Relay;

/// <summary>
/// Kinesis sequence numbers are decimal strings of up to 129 digits (the API's pattern is
/// <c>0|([1-9]\d{0,128})</c>; real ones have 56 today). Stored zero-padded to that fixed width,
/// string order is numeric order, so DynamoDB conditions can compare them.
/// </summary>
public static class SequenceNumbers
{
    public const int Width = 129;

    public static string Pad(string sequenceNumber)
    {
        if (sequenceNumber.Length == 0 || sequenceNumber.Length > Width || !sequenceNumber.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"'{sequenceNumber}' is not a Kinesis sequence number.", nameof(sequenceNumber));
        }

        return sequenceNumber.PadLeft(Width, '0');
    }

    /// <summary>Numeric order without padding: the API's pattern has no leading zeros, so a longer number is larger.</summary>
    public static int Compare(string left, string right) =>
        left.Length != right.Length ? left.Length.CompareTo(right.Length) : string.CompareOrdinal(left, right);

    public static string Min(string left, string right) => Compare(left, right) <= 0 ? left : right;

    public static string Max(string left, string right) => Compare(left, right) >= 0 ? left : right;
}
