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

    [Theory]
    [InlineData("9", "10", -1)]
    [InlineData("49590338271490256608559692538361571095921575989136588898", "49590338271490256608559692538361571095921575989136588899", -1)]
    [InlineData("100", "99", 1)]
    [InlineData("0", "0", 0)]
    public void Compare_OrdersAsNumbersWithoutPadding(string left, string right, int expected)
    {
        Assert.Equal(expected, Math.Sign(SequenceNumbers.Compare(left, right)));
        Assert.Equal(Math.Sign(string.CompareOrdinal(SequenceNumbers.Pad(left), SequenceNumbers.Pad(right))), Math.Sign(SequenceNumbers.Compare(left, right)));
    }
}
