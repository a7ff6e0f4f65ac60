using Replicator.Cli.Replay;
using Replicator.LocalCloud.Replay;
using Replicator.LocalCloud.StandIns;
using Replicator.LocalCloud.StepFunctions;
using Replicator.LocalCloud.Verification;
using Spectre.Console;

namespace Replicator.Tests.LocalCloud;

/// <summary><c>replicator replay</c> starting the replay machine by its ARN, through the Step Functions stand-in, on the local cloud.</summary>
[Collection(LocalCloudCollection.Name)]
public sealed class ReplayCommandTests(LocalCloudFixture fixture) : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
    private readonly StringWriter _output = new();

    public void Dispose() => _output.Dispose();

    [Fact]
    public async Task Replay_runs_the_machine_from_the_sample_input_with_overrides_and_prints_what_it_replayed()
    {
        var records = Enumerable.Range(0, 400).Select(i => new CdcRecord(5_000_000_000L + (i % 20), i / 20, Start.AddSeconds(i * 18))).ToList();
        var archive = await ArchivedStream.CreateAsync(fixture.Cloud, fixture.RegionA, records, shards: 2, CancellationToken.None);
        var target = await fixture.CreateStreamAsync("cli-replay", fixture.RegionB, shards: 1);
        await using var stepFunctions = new StepFunctionsStandIn(fixture.RegionA);
        var arn = new LocalReplay(fixture.Cloud, fixture.RegionA, archive.Bucket, new LocalTopics(), TextWriter.Null).RegisterWith(stepFunctions);

        var exitCode = await RunAsync(new ReplayOptions(
            arn,
            InputFile: Path.Combine(Replicator.LocalCloud.RepositoryLayout.Root(), "events", "replay.json"),
            Stream: archive.Stream,
            From: Start,
            To: Start.AddHours(1),
            TargetStream: target,
            TargetRegion: fixture.RegionB,
            Lanes: 2,
            EndpointUrl: stepFunctions.Endpoint,
            DynamoDbEndpoint: fixture.Cloud.Region(fixture.RegionA).DynamoDbEndpoint));

        var text = _output.ToString();
        Assert.True(exitCode == 0, text);
        Assert.Contains($"into {fixture.RegionB}/{target} in 2 lanes at most 5000 records/s, 5000000 bytes/s", text, StringComparison.Ordinal);
        Assert.Contains("Replayed 200 records", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tenant_comes_from_the_input_file_and_the_command_line_wins()
    {
        var file = Path.Combine(Replicator.LocalCloud.RepositoryLayout.Root(), "events", "replay-tenant.json");
        var options = new ReplayOptions("arn:aws:states:us-east-1:000000000000:stateMachine:replay", InputFile: file);
        Assert.Equal("globex", options.Request().Tenant);
        Assert.Equal("acme", (options with { Tenant = "acme" }).Request().Tenant);
        Assert.Null(new ReplayOptions("arn:aws:states:us-east-1:000000000000:stateMachine:replay", Stream: "orders", From: Start, To: Start.AddHours(1)).Request().Tenant);
    }

    [Fact]
    public async Task A_tenant_that_cannot_be_an_archive_prefix_is_refused_before_anything_starts()
    {
        var options = new ReplayOptions("arn:aws:states:us-east-1:000000000000:stateMachine:replay", Stream: "orders", From: Start, To: Start.AddHours(1)) { Tenant = "acme/../globex" };

        Assert.Equal(2, await RunAsync(options));
        Assert.Contains("tenant 'acme/../globex' is not a tenant id", _output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "--stream is required")]
    [InlineData(0, "lanes is 0")]
    public async Task A_replay_it_cannot_start_names_the_option_and_exits_2(int? lanes, string message)
    {
        var options = lanes is null
            ? new ReplayOptions("arn:aws:states:us-east-1:000000000000:stateMachine:replay", From: Start, To: Start.AddHours(1))
            : new ReplayOptions("arn:aws:states:us-east-1:000000000000:stateMachine:replay", Stream: "orders", From: Start, To: Start.AddHours(1), Lanes: lanes);

        var exitCode = await RunAsync(options);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, _output.ToString(), StringComparison.Ordinal);
    }

    private Task<int> RunAsync(ReplayOptions options)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 400;
        return ReplayCommand.RunAsync(options, fixture.Cloud.Credentials, console, TimeSpan.FromMilliseconds(100), CancellationToken.None);
    }
}
