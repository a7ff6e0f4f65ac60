using Replicator.Relay;

namespace Replicator.Tests.Relay;

public sealed class SequenceNumbersTests
{
    [Fact]
    public void Pad_OrdersAsNumbersWhenComparedAsStrings()
    {
        var small = SequenceNumbers.Pad("9");
        var large = SequenceNumbers.Pad("49590338271490256608559692538361571095921575989136588898");

        Assert.Equal(SequenceNumbers.Width, small.Length);
        Assert.True(string.CompareOrdinal(small, large) < 0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12a")]
    [InlineData("-1")]
    public void Pad_NotASequenceNumber_Throws(string text)
    {
        Assert.Throws<ArgumentException>(() => SequenceNumbers.Pad(text));
    }
}
