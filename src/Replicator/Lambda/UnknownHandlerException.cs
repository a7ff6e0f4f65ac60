namespace Replicator.Lambda;

public sealed class UnknownHandlerException(string name, IEnumerable<string> known)
    : Exception($"_HANDLER '{name}' names no function; this bootstrap serves: {string.Join(", ", known.Order())}.");
