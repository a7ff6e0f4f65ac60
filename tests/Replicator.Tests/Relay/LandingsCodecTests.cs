using System.Globalization;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Replicator.Relay;

namespace Replicator.Tests.Relay;

/// <summary>Issue 17: a position sample's landings, packed to keep the relay's one extra write small, come back exactly.</summary>
public sealed class LandingsCodecTests
{
    [Property(MaxTest = 200)]
    public Property Landings_come_back_as_they_were_written(int seed)
    {
        var random = new Random(seed);
        var landings = Enumerable.Range(0, random.Next(0, 120)).ToDictionary(
            i => (i % 7) switch
            {
                3 => $"custom_shard.{i}",
                5 => $"shardId-{i:D13}",
                _ => $"shardId-{random.Next(0, 100_000) * 1000 + i:D12}",
            },
            _ => Landing(random));

        var decoded = LandingsCodec.Decode(LandingsCodec.Encode(landings));

        return decoded.OrderBy(l => l.Key, StringComparer.Ordinal).SequenceEqual(landings.OrderBy(l => l.Key, StringComparer.Ordinal)).Label($"{landings.Count} landings");
    }

    [Fact]
    public void A_cut_off_sample_is_refused_naming_how_far_it_got()
    {
        var bytes = LandingsCodec.Encode(new Dictionary<string, TargetShardLanding> { ["shardId-000000000001"] = new("49630000000000000000000000000000000000000000000000000001", "49630000000000000000000000000000000000000000000000000009", 3) });

        var error = Assert.Throws<InvalidDataException>(() => LandingsCodec.Decode(bytes.AsSpan(0, bytes.Length - 2)));

        Assert.Contains("after 0 shards", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_last_before_the_first_is_refused_naming_the_shard()
    {
        var error = Assert.Throws<ArgumentException>(() => LandingsCodec.Encode(new Dictionary<string, TargetShardLanding> { ["shardId-000000000004"] = new("20", "10", 2) }));

        Assert.Contains("shardId-000000000004", error.Message, StringComparison.Ordinal);
    }

    private static TargetShardLanding Landing(Random random)
    {
        var first = BigInteger.Parse($"4963{random.NextInt64():D19}{random.NextInt64():D19}{random.Next():D14}", CultureInfo.InvariantCulture);
        var last = first + random.NextInt64(0, long.MaxValue);
        return new TargetShardLanding(first.ToString(CultureInfo.InvariantCulture), last.ToString(CultureInfo.InvariantCulture), random.Next(1, 500));
    }
}
