using System.Text;
using Replicator.Relay;

namespace Replicator.Tests.Relay;

public sealed class CommitTimestampsTests
{
    [Theory]
    [InlineData("{\"key\":3174940031,\"commitTimestamp\":\"2021-11-10T00:48:30Z\"}")]
    [InlineData("{\"key\":\"abc\",\"nested\":{\"commitTimestamp\":\"1999-01-01T00:00:00Z\"},\"commitTimestamp\":\"2021-11-10T00:48:30Z\"}")]
    [InlineData("{\"commitTimestamp\":\"2021-11-10T01:48:30+01:00\"}")]
    public void TryRead_CdcRecord_ReturnsTheTopLevelTimestampInUtc(string json)
    {
        Assert.Equal(new DateTimeOffset(2021, 11, 10, 0, 48, 30, TimeSpan.Zero), CommitTimestamps.TryRead(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"key\":1}")]
    [InlineData("{\"commitTimestamp\":12345}")]
    [InlineData("{\"commitTimestamp\":\"yesterday\"}")]
    [InlineData("{\"key\":1,")]
    public void TryRead_NoUsableTimestamp_ReturnsNull(string text)
    {
        Assert.Null(CommitTimestamps.TryRead(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void TryRead_BinaryPayload_ReturnsNull()
    {
        Assert.Null(CommitTimestamps.TryRead(new byte[] { 0xff, 0xfe, 0x00, 0x7b }));
    }

    /// <summary>Long records are read from a decoded prefix when it settles the answer, and whole when it does not.</summary>
    [Theory]
    [InlineData("{\"commitTimestamp\":\"2021-11-10T00:48:30Z\",\"pad\":\"PAD\"}", true)]
    [InlineData("{\"pad\":\"PAD\",\"commitTimestamp\":\"2021-11-10T00:48:30Z\"}", true)]
    [InlineData("{\"pad\":\"PAD\",\"nested\":{\"commitTimestamp\":\"1999-01-01T00:00:00Z\"},\"commitTimestamp\":\"2021-11-10T00:48:30Z\"}", true)]
    [InlineData("{\"pad\":\"PAD\"}", false)]
    [InlineData("[\"PAD\",{\"commitTimestamp\":\"2021-11-10T00:48:30Z\"}]", false)]
    [InlineData("not json PAD {\"commitTimestamp\":\"2021-11-10T00:48:30Z\"}", false)]
    public void TryRead_LongBase64Record_FindsTheTopLevelTimestampWhereverItIs(string template, bool found)
    {
        var json = template.Replace("PAD", new string('x', 3000), StringComparison.Ordinal);

        var commit = CommitTimestamps.TryRead(Replicator.Aws.Kinesis.Base64Data.FromBytes(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(found ? new DateTimeOffset(2021, 11, 10, 0, 48, 30, TimeSpan.Zero) : null, commit);
    }

    [Fact]
    public void TryRead_Base64_AgreesWithTheDecodedRecordWhereverTheLooksEnd()
    {
        // The first look decodes 96 bytes on the stack and each further one four times more: every
        // length from a timestamp inside the first look to one past the third, and every padding.
        for (var pad = 0; pad < 1700; pad++)
        {
            foreach (var template in (string[])["{\"pad\":\"PAD\",\"commitTimestamp\":\"2021-11-10T00:48:30Z\"}", "{\"pad\":\"PAD\"}", "{\"pad\":\"PAD\",\"commitTimestamp\":\"2021-11-10T00:48:30Z\""])
            {
                var json = Encoding.UTF8.GetBytes(template.Replace("PAD", new string('x', pad), StringComparison.Ordinal));

                var commit = CommitTimestamps.TryRead(Replicator.Aws.Kinesis.Base64Data.FromBytes(json));

                Assert.True(CommitTimestamps.TryRead(json) == commit, $"pad {pad}, {template}: {commit} from base64, {CommitTimestamps.TryRead(json)} decoded");
            }
        }
    }

    [Fact]
    public void Format_IsFixedWidthSoStringOrderIsTimeOrder()
    {
        Assert.Equal("2021-11-10T00:48:30.000Z", CommitTimestamps.Format(new DateTimeOffset(2021, 11, 10, 1, 48, 30, TimeSpan.FromHours(1))));
    }
}
