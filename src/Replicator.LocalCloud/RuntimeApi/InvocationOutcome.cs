namespace Replicator.LocalCloud.RuntimeApi;

/// <summary>What the function posted back for one event: a response body, or an error document and its error type header.</summary>
public sealed record InvocationOutcome(byte[]? Response, string? ErrorBody, string? ErrorType)
{
    public bool IsError => ErrorBody is not null;
}
