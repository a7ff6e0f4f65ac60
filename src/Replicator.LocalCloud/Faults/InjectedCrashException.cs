namespace Replicator.LocalCloud.Faults;

/// <summary>Stands for the invocation's process dying: thrown past every handler, as a crash would leave no response.</summary>
public sealed class InjectedCrashException(string message) : Exception(message);
