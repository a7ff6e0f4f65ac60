using System.Text.Json.Nodes;
using Replicator.Failover;
using Replicator.LocalCloud;

namespace Replicator.Tests.Templates;

/// <summary>
/// Issue 15, item 1: a Standard workflow that reaches its TimeoutSeconds ends TIMED_OUT and runs no
/// Catch, so a failover that timed out mid-drain would leave ingress stopped. These checks bound every
/// state of statemachines/failover.asl.json and show that the longest run, the drain at its limit
/// followed by the longest way out (fence, verify, flip, DNS; or restore), ends before the timeout,
/// and that its history stays within 25,000 events.
/// </summary>
public sealed class FailoverBudgetTests
{
    private const int DnsPolls = 60;
    private static readonly JsonObject Definition = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryLayout.Root(), "statemachines", "failover.asl.json")))!.AsObject();
    private static readonly CloudFormationTemplate Template = CloudFormationTemplate.Load("template.yaml", TemplateTests.TwoTargets);
    private static readonly StateMachineBudget Budget = new(Definition, new Dictionary<string, double>
    {
        // The fence is held for FailoverFenceSeconds, at most its MaxValue.
        ["$.fence.seconds"] = double.Parse(Template.Parameters["FailoverFenceSeconds"]!["MaxValue"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture),
        ["$.drain.status.pollAfterSeconds"] = DrainFunction.MaxPollAfterSeconds,
    });

    private static double MaxDrainSeconds => (double)Budget.State("CheckDrainTimeout")["Choices"]![0]!["NumericGreaterThan"]!;

    [Fact]
    public void The_longest_failover_ends_before_the_machines_timeout()
    {
        // The drain times out at MaxDrainSeconds from the start: the poll after it may start up to one wait later and take its longest.
        var drainEnds = MaxDrainSeconds + DrainFunction.MaxPollAfterSeconds + Budget.Seconds("Drain");
        var dnsRounds = (DnsPolls - 1) * (Budget.Seconds("WaitForDnsInSync") + Budget.Seconds("CheckDns"));
        var wayOut = new[] { Budget.Longest("Fence", Budget.Seconds) + dnsRounds, Budget.Longest("DrainTimedOut", Budget.Seconds), Budget.Longest("RestoreConfig", Budget.Seconds) }.Max();
        var timeout = (double)Definition["TimeoutSeconds"]!;

        Assert.True(drainEnds + wayOut <= timeout, $"the drain may end {drainEnds} s in and the longest way out takes {wayOut} s: past TimeoutSeconds {timeout}");
    }

    [Fact]
    public void The_longest_failovers_history_stays_within_25000_events()
    {
        var drainRounds = Rounds(DrainFunction.PollAfterSeconds);
        var drainRound = Budget.Events("Drain") + Budget.Events("Drained") + Budget.Events("WaitForDrain");
        var dnsRound = Budget.Events("WaitForDnsInSync") + Budget.Events("CheckDns") + Budget.Events("DnsInSync") + Budget.Events("CountDnsPoll");
        var events = Budget.Longest((string)Definition["StartAt"]!, n => Budget.Events(n)) + ((drainRounds - 1) * drainRound) + ((DnsPolls - 1) * dnsRound) + 2;

        Assert.True(events <= 25_000, $"{drainRounds} drain polls of {drainRound} events and {DnsPolls} DNS polls make {events} events");
        // Polled every second, as before, the same drain would have needed more than the history holds.
        Assert.True(Rounds(_ => 1) * drainRound > 25_000);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(9, 1)]
    [InlineData(25, 3)]
    [InlineData(299, 30)]
    [InlineData(3_000, 30)]
    public void The_drain_is_polled_less_often_the_longer_it_runs(int secondsIn, int pollAfter)
    {
        Assert.Equal(pollAfter, DrainFunction.PollAfterSeconds(TimeSpan.FromSeconds(secondsIn)));
    }

    /// <summary>Drain polls until MaxDrainSeconds, each waiting as <paramref name="pollAfter"/> says.</summary>
    private static int Rounds(Func<TimeSpan, int> pollAfter)
    {
        var (rounds, at) = (0, 0.0);
        for (; at <= MaxDrainSeconds; rounds++)
        {
            at += pollAfter(TimeSpan.FromSeconds(at));
        }

        return rounds + 1;
    }
}
