using Replicator.LocalCloud.Iam;

namespace Replicator.Tests.Templates;

/// <summary>The template tests' questions to the local cloud's <see cref="IamPolicySimulator"/>, asked through one simulator process per test.</summary>
public static class IamSimulator
{
    /// <returns>Per question, the simulator's decision: Allowed, ImplicitlyDenied or ExplicitlyDenied.</returns>
    public static async Task<IReadOnlyList<string>> AskAsync(IReadOnlyList<IamQuestion> questions)
    {
        await using var simulator = await IamPolicySimulator.StartAsync(CancellationToken.None);
        var decisions = new List<string>(questions.Count);
        foreach (var question in questions)
        {
            decisions.Add(await simulator.DecideAsync(question, CancellationToken.None));
        }

        return decisions;
    }

    /// <summary>Asks every question and fails listing each whose decision is not the one expected.</summary>
    public static async Task AssertDecisionsAsync(IReadOnlyList<(IamQuestion Question, string Expected)> questions)
    {
        var decisions = await AskAsync(questions.Select(q => q.Question).ToList());
        var wrong = questions.Zip(decisions).Where(p => p.First.Expected != p.Second).Select(p => $"{p.First.Question}: {p.Second}, expected {p.First.Expected}").ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
