namespace Replicator.Lambda;

public sealed class UnknownHandlerException(string name, IEnumerable<string> known)
    : Exception($"{(name.Length == 0 ? "_HANDLER is not set" : $"_HANDLER '{name}' names no function")}; this bootstrap serves: {string.Join(", ", known.Order())}.");
