using Replicator.Lambda;
using Replicator.Relay;

namespace Replicator.Tests.Relay;

public sealed class RelaySettingsTests
{
    private static Dictionary<string, string> Seed004Environment() => new()
    {
        [RelayEnvironment.SourceRegion] = "us-east-1",
        [RelayEnvironment.TargetRegion] = "us-east-2",
        [RelayEnvironment.ConfigTable] = "kdsActiveRegionConfig",
        [RelayEnvironment.CheckpointTable] = "kdsReplicationCheckpoint",
        [RelayEnvironment.PositionsTable] = "kdsReplicationPositions",
    };

    [Fact]
    public void From_Seed004Variables_ReadsThemWithDefaults()
    {
        var settings = RelaySettings.From(Seed004Environment());

        Assert.Equal("us-east-2", settings.TargetRegion);
        Assert.Equal("kdsActiveRegionConfig", settings.ConfigTable);
        Assert.Equal("kdsReplicationCheckpoint", settings.CheckpointTable);
        Assert.Equal(RelaySettings.DefaultGateCacheTtl, settings.GateCacheTtl);
        Assert.Null(settings.TargetKinesisEndpoint);
        Assert.Equal(RelayOrdering.Strict, settings.Ordering);
    }

    [Theory]
    [InlineData("strict", RelayOrdering.Strict)]
    [InlineData("packed", RelayOrdering.Packed)]
    [InlineData("aggregated", RelayOrdering.Aggregated)]
    public void From_Ordering_ReadsTheMode(string value, RelayOrdering expected)
    {
        var environment = Seed004Environment();
        environment[RelayEnvironment.Ordering] = value;

        Assert.Equal(expected, RelaySettings.From(environment).Ordering);
    }

    /// <summary>A replay writes into the relay's target stream for the same consumers: aggregated only where the relay aggregates.</summary>
    [Theory]
    [InlineData(RelayOrdering.Strict, RelayOrdering.Strict)]
    [InlineData(RelayOrdering.Packed, RelayOrdering.Strict)]
    [InlineData(RelayOrdering.Aggregated, RelayOrdering.Aggregated)]
    public void A_replay_aggregates_where_the_relay_does(RelayOrdering relay, RelayOrdering replay) =>
        Assert.Equal(replay, Replicator.Replay.ReplaySettings.ReplayOrderingFor(relay));

    [Fact]
    public void From_UnknownOrdering_NamesTheSettingAndTheChoices()
    {
        var environment = Seed004Environment();
        environment[RelayEnvironment.Ordering] = "loose";

        var error = Assert.Throws<SettingsException>(() => RelaySettings.From(environment));

        Assert.Contains(RelayEnvironment.Ordering, error.Message, StringComparison.Ordinal);
        Assert.Contains("strict", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RelayEnvironment.TargetRegion)]
    [InlineData(RelayEnvironment.ConfigTable)]
    [InlineData(RelayEnvironment.CheckpointTable)]
    [InlineData(RelayEnvironment.PositionsTable)]
    [InlineData(RelayEnvironment.SourceRegion)]
    public void From_MissingVariable_NamesIt(string name)
    {
        var environment = Seed004Environment();
        environment.Remove(name);

        var error = Assert.Throws<SettingsException>(() => RelaySettings.From(environment));

        Assert.Equal(name, error.Setting);
        Assert.StartsWith(name, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 192)]
    [InlineData("8784", 8784)]
    public void From_PositionSampleRetention_DefaultsToAWeekAndADay(string? hours, int expected)
    {
        var environment = Seed004Environment();
        if (hours is not null)
        {
            environment[RelayEnvironment.PositionSampleRetentionHours] = hours;
        }

        Assert.Equal(TimeSpan.FromHours(expected), RelaySettings.From(environment).PositionSampleRetention);
    }

    [Theory]
    [InlineData("8785")]
    [InlineData("0")]
    [InlineData("a week")]
    public void From_PositionSampleRetentionOutOfRange_NamesTheSetting(string hours)
    {
        var environment = Seed004Environment();
        environment[RelayEnvironment.PositionSampleRetentionHours] = hours;

        var error = Assert.Throws<SettingsException>(() => RelaySettings.From(environment));

        Assert.Equal(RelayEnvironment.PositionSampleRetentionHours, error.Setting);
    }

    [Fact]
    public void From_TargetIsOwnRegion_FailsNamingTheSetting()
    {
        var environment = Seed004Environment();
        environment[RelayEnvironment.TargetRegion] = "US-EAST-1";

        var error = Assert.Throws<SettingsException>(() => RelaySettings.From(environment));

        Assert.Equal(RelayEnvironment.TargetRegion, error.Setting);
        Assert.Contains("own region", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RelayEnvironment.GateCacheTtlSeconds, "soon")]
    [InlineData(RelayEnvironment.GateCacheTtlSeconds, "-1")]
    [InlineData(RelayEnvironment.TargetKinesisEndpoint, "not a url")]
    public void From_InvalidValue_NamesTheSetting(string name, string value)
    {
        var environment = Seed004Environment();
        environment[name] = value;

        Assert.Equal(name, Assert.Throws<SettingsException>(() => RelaySettings.From(environment)).Setting);
    }
}
