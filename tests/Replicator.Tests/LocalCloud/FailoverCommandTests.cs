using System.Text.Json;
using Replicator.Cli.Failover;
using Replicator.Failover;
using Replicator.LocalCloud.Failover;
using Replicator.LocalCloud.StandIns;
using Spectre.Console;

namespace Replicator.Tests.LocalCloud;

/// <summary><c>replicator failover</c> and <c>failback</c> starting the machine by its ARN, through the Step Functions stand-in, on the local cloud.</summary>
[Collection(DrillCloudCollection.Name)]
public sealed class FailoverCommandTests(LocalCloudFixture fixture) : IDisposable
{
    private readonly string _inputFile = Path.Combine(Path.GetTempPath(), $"failover-input-{Guid.NewGuid():N}.json");
    private readonly StringWriter _output = new();

    public void Dispose()
    {
        File.Delete(_inputFile);
        _output.Dispose();
    }

    [Fact]
    public async Task Failover_then_failback_show_each_state_and_end_with_rto_and_rpo()
    {
        await using var drill = await FailoverDrill.StartAsync(fixture.Cloud, LocalCloudFixture.UniqueStreamName("cli"), fixture.RegionA, shards: 1, TextWriter.Null, CancellationToken.None);
        await File.WriteAllTextAsync(_inputFile, JsonSerializer.Serialize(drill.Input(fixture.RegionA, fixture.RegionB, force: false, TimeSpan.FromSeconds(30)), FailoverJsonContext.Default.FailoverInput));
        await using var stepFunctions = new StepFunctionsStandIn(fixture.RegionB);
        var intoB = drill.Failover.RegisterWith(stepFunctions, fixture.RegionB);
        var intoA = drill.Failover.RegisterWith(stepFunctions, fixture.RegionA);

        var failover = await RunAsync(new FailoverOptions(intoB, _inputFile, Failback: false, EndpointUrl: stepFunctions.Endpoint));

        Assert.Equal(0, failover);
        var text = _output.ToString();
        Assert.Contains($"Moving {drill.StreamName} from {fixture.RegionA} to {fixture.RegionB}", text, StringComparison.Ordinal);
        var states = new[] { "ReadConfig", "StopIngress", "Drain", "Fence", "Verify", "Flip", "RepointDns", "Report" };
        Assert.Equal(states, states.OrderBy(s => text.IndexOf("] " + s, StringComparison.Ordinal) is var i and >= 0 ? i : int.MaxValue));
        Assert.Contains("RPO 0 records", text, StringComparison.Ordinal);
        Assert.Contains("No re-production needed", text, StringComparison.Ordinal);
        Assert.Matches(@"RTO \d+(\.\d+)? s", text);
        Assert.Equal(FailoverDrill.ValueOf(fixture.RegionB), drill.Resolve());

        _output.GetStringBuilder().Clear();
        var failback = await RunAsync(new FailoverOptions(intoA, _inputFile, Failback: true, EndpointUrl: stepFunctions.Endpoint));

        Assert.Equal(0, failback);
        Assert.Contains($"from {fixture.RegionB} to {fixture.RegionA}", _output.ToString(), StringComparison.Ordinal);
        Assert.Equal(FailoverDrill.ValueOf(fixture.RegionA), drill.Resolve());
    }

    [Fact]
    public async Task A_failed_execution_prints_its_error_and_cause_and_exits_1()
    {
        await using var drill = await FailoverDrill.StartAsync(fixture.Cloud, LocalCloudFixture.UniqueStreamName("clifail"), fixture.RegionA, shards: 1, TextWriter.Null, CancellationToken.None);
        // The input names regions the wrong way round: the stream is active in A, not B.
        await File.WriteAllTextAsync(_inputFile, JsonSerializer.Serialize(drill.Input(fixture.RegionB, fixture.RegionA, force: false, TimeSpan.FromSeconds(30)) with { ToRegion = "eu-west-1" }, FailoverJsonContext.Default.FailoverInput));
        await using var stepFunctions = new StepFunctionsStandIn(fixture.RegionA);
        var arn = drill.Failover.RegisterWith(stepFunctions, fixture.RegionA);

        var exitCode = await RunAsync(new FailoverOptions(arn, _inputFile, Failback: false, EndpointUrl: stepFunctions.Endpoint));

        Assert.Equal(1, exitCode);
        Assert.Contains("FAILED: NotActiveInSource: ", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_input_that_is_not_a_failover_input_names_the_file_and_the_missing_field()
    {
        await File.WriteAllTextAsync(_inputFile, """{"streamName":"s","fromRegion":"us-east-1"}""");

        var exitCode = await RunAsync(new FailoverOptions("arn:aws:states:us-east-1:000000000000:stateMachine:x", _inputFile, Failback: false));

        Assert.Equal(2, exitCode);
        Assert.Contains(_inputFile, _output.ToString(), StringComparison.Ordinal);
        Assert.Contains("toRegion", _output.ToString(), StringComparison.Ordinal);
    }

    private Task<int> RunAsync(FailoverOptions options)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 400;
        return FailoverCommand.RunAsync(options, fixture.Cloud.Credentials, console, TimeSpan.FromMilliseconds(200), CancellationToken.None);
    }
}
