using Amazon.Runtime;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.StepFunctions;
using Replicator.LocalCloud.StandIns;

namespace Replicator.Tests.StandIns;

public sealed class ExecutionNameTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 5, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_short_subject_is_kept_whole_with_the_time()
    {
        Assert.Equal("kds-stream-1-to-us-east-2-20261202050000", ExecutionName.For("kds-stream-1-to-us-east-2", Now));
    }

    [Fact]
    public void The_longest_stream_names_make_names_within_80_characters_that_stay_distinct()
    {
        // Stream names may be 128 characters of [a-zA-Z0-9_.-] (Kinesis API reference, CreateStream).
        var stream = new string('s', 127);
        var first = ExecutionName.For($"{stream}a-to-ap-southeast-2", Now);
        var second = ExecutionName.For($"{stream}b-to-ap-southeast-2", Now);

        Assert.Equal(ExecutionName.MaxLength, first.Length);
        Assert.NotEqual(first, second);
        Assert.Null(ExecutionName.Problem(first));
        Assert.EndsWith("-20261202050000", first, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "1 to 80")]
    [InlineData("has space", "' '")]
    [InlineData("a:b", "':'")]
    public void Names_StartExecution_refuses_are_named_with_the_reason(string name, string reason)
    {
        Assert.Contains(reason, ExecutionName.Problem(name), StringComparison.Ordinal);
    }

    /// <summary>The local Step Functions is as strict as the service: an 81-character name is InvalidName.</summary>
    [Fact]
    public async Task The_stand_in_refuses_a_name_over_80_characters_as_Step_Functions_does()
    {
        await using var stepFunctions = new StepFunctionsStandIn("us-east-1");
        var machine = stepFunctions.Register("m", (_, _, _) => Task.FromResult(new Replicator.LocalCloud.StepFunctions.ExecutionResult("SUCCEEDED", null, null, null, [])));
        var client = new StepFunctionsClient(new AwsServiceOptions("us-east-1", new BasicAWSCredentials("a", "b"), AwsEnvironment.HttpClient) { EndpointOverride = stepFunctions.Endpoint });

        var refused = await Assert.ThrowsAnyAsync<AwsServiceException>(() => client.StartExecutionAsync(new StartExecutionRequest(machine, "{}", new string('n', 81)), CancellationToken.None));
        var started = await client.StartExecutionAsync(new StartExecutionRequest(machine, "{}", new string('n', 80)), CancellationToken.None);

        Assert.Equal("InvalidName", refused.ErrorCode);
        Assert.EndsWith(new string('n', 80), started.ExecutionArn, StringComparison.Ordinal);
    }
}
