namespace Replicator.LocalCloud.Emulators;

/// <summary>The local cloud could not start: what is missing, and what to do about it.</summary>
public sealed class LocalCloudException(string message, Exception? inner = null) : Exception(message, inner);
