namespace Replicator.Lambda.Runtime;

/// <summary>One event handed out by the Runtime API's <c>/invocation/next</c>, with the headers that describe it.</summary>
public sealed record Invocation(string RequestId, DateTimeOffset Deadline, string InvokedFunctionArn, string? TraceId, byte[] Payload);
