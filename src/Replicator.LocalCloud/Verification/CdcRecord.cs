using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Replicator.LocalCloud.Verification;

/// <summary>
/// The CDC record the demo and drills produce: seed 004's <c>{"key":…,"commitTimestamp":…}</c> plus
/// <c>n</c>, the record's position within its key, so order and loss can be checked record by record,
/// and, for the tenant drills, <c>tenant</c>.
/// </summary>
public sealed record CdcRecord(long Key, long N, DateTimeOffset CommitTimestamp)
{
    /// <summary>Seed 004's example payloads' form, <c>2021-11-10T00:48:30Z</c>: whole seconds.</summary>
    public const string Seed004TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public string PartitionKey => Key.ToString(CultureInfo.InvariantCulture);

    /// <summary>How the producer writes <see cref="CommitTimestamp"/> (a .NET custom format, UTC).</summary>
    public string CommitTimestampFormat { get; init; } = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>The record's tenant, written as the payload's <c>tenant</c> field when set.</summary>
    public string? Tenant { get; init; }

    /// <summary>Length of a <c>pad</c> field of filler written last, to give the record a size (a row's other columns); 0 for none.</summary>
    public int PadBytes { get; init; }

    public byte[] ToJson() => Encoding.UTF8.GetBytes(
        $"{{\"key\":{Key},\"n\":{N},{(Tenant is null ? "" : $"\"tenant\":\"{Tenant}\",")}\"commitTimestamp\":\"{CommitTimestamp.UtcDateTime.ToString(CommitTimestampFormat, CultureInfo.InvariantCulture)}\"" +
        (PadBytes > 0 ? $",\"pad\":\"{new string('x', PadBytes)}\"}}" : "}"));

    /// <summary>This record padded so that its data and partition key take <paramref name="bytes"/>, as Kinesis counts a record's size.</summary>
    public CdcRecord WithSize(int bytes)
    {
        var unpadded = (this with { PadBytes = 0 }).ToJson().Length + ",\"pad\":\"\"".Length + PartitionKey.Length;
        return bytes > unpadded
            ? this with { PadBytes = bytes - unpadded }
            : throw new ArgumentOutOfRangeException(nameof(bytes), bytes, $"record {Key}/{N} takes {unpadded} bytes before any padding");
    }

    public static CdcRecord Parse(byte[] data)
    {
        using var document = JsonDocument.Parse(data);
        var root = document.RootElement;
        return new CdcRecord(
            root.GetProperty("key").GetInt64(),
            root.GetProperty("n").GetInt64(),
            root.GetProperty("commitTimestamp").GetDateTimeOffset())
        {
            Tenant = root.TryGetProperty("tenant", out var tenant) ? tenant.GetString() : null,
            PadBytes = root.TryGetProperty("pad", out var pad) ? pad.GetString()!.Length : 0,
        };
    }
}
