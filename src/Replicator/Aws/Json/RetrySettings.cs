namespace Replicator.Aws.Json;

/// <summary>How often and how patiently a transient failure is retried (exponential backoff with jitter).</summary>
public sealed record RetrySettings(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    public static RetrySettings Default { get; } = new(MaxAttempts: 5, BaseDelay: TimeSpan.FromMilliseconds(50), MaxDelay: TimeSpan.FromSeconds(5));

    public static RetrySettings None { get; } = new(0, TimeSpan.Zero, TimeSpan.Zero);
}
