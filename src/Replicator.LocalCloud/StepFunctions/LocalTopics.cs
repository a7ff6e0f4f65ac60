using System.Collections.Concurrent;

namespace Replicator.LocalCloud.StepFunctions;

/// <summary>
/// A local stand-in for the SNS topics the state machines publish to: it keeps what was published, so
/// a drill can check the outcome reached the operators. There is no SNS emulator among the npm ones.
/// </summary>
public sealed class LocalTopics
{
    private readonly ConcurrentQueue<PublishedMessage> _published = new();

    public IReadOnlyCollection<PublishedMessage> Published => _published;

    public string Publish(string topicArn, string? subject, string message)
    {
        var id = Guid.NewGuid().ToString();
        _published.Enqueue(new PublishedMessage(id, topicArn, subject, message));
        return id;
    }
}

public sealed record PublishedMessage(string MessageId, string TopicArn, string? Subject, string Message);
