using Replicator.Aws.Kinesis;
using System.Text;
using Replicator.Relay;

namespace Replicator.Tests.Fakes;

internal static class TestRecords
{
    /// <summary>CDC records <c>{"key":k,"seq":i,"commitTimestamp":…}</c> whose keys cycle through <paramref name="keys"/>.</summary>
    public static IReadOnlyList<SourceRecord> Cdc(int count, int keys, DateTimeOffset? start = null)
    {
        var t0 = start ?? new DateTimeOffset(2021, 11, 10, 0, 48, 30, TimeSpan.Zero);
        return Enumerable.Range(0, count).Select(i =>
        {
            var key = (i % keys).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var commit = t0.AddSeconds(i).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            var data = Encoding.UTF8.GetBytes($"{{\"key\":{key},\"seq\":{i},\"commitTimestamp\":\"{commit}\"}}");
            return new SourceRecord(i, (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), key, Base64Data.FromBytes(data), t0.AddSeconds(i));
        }).ToArray();
    }

    /// <summary>The source index a CDC record carries in its <c>seq</c> field.</summary>
    public static int SeqOf(byte[] data)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(data);
        return doc.RootElement.GetProperty("seq").GetInt32();
    }
}
