namespace Replicator.Relay;

/// <summary>The invocation event is not the Kinesis event shape; the message names the field.</summary>
public sealed class MalformedEventException(string message) : Exception(message);
