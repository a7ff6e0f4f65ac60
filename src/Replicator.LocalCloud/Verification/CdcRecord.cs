using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Replicator.LocalCloud.Verification;

/// <summary>
/// The CDC record the demo and drills produce: seed 004's <c>{"key":…,"commitTimestamp":…}</c> plus
/// <c>n</c>, the record's position within its key, so order and loss can be checked record by record.
/// </summary>
public sealed record CdcRecord(long Key, long N, DateTimeOffset CommitTimestamp)
{
    public string PartitionKey => Key.ToString(CultureInfo.InvariantCulture);

    public byte[] ToJson() => Encoding.UTF8.GetBytes(
        $"{{\"key\":{Key},\"n\":{N},\"commitTimestamp\":\"{CommitTimestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)}\"}}");

    public static CdcRecord Parse(byte[] data)
    {
        using var document = JsonDocument.Parse(data);
        var root = document.RootElement;
        return new CdcRecord(
            root.GetProperty("key").GetInt64(),
            root.GetProperty("n").GetInt64(),
            root.GetProperty("commitTimestamp").GetDateTimeOffset());
    }
}
