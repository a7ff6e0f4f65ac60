using Replicator.Lambda;
using Replicator.LocalCloud.Faults;

namespace Replicator.LocalCloud.EventSourceMapping;

/// <summary>
/// One execution environment of a function, as Lambda runs one: initialised once, invoked one batch at
/// a time, and killed when an invocation reaches its timeout. Lambda kills the process, so a killed
/// invocation makes no further call, whatever it was doing; in-process, the same holds because every
/// endpoint the function was given goes through a <see cref="TcpProxy"/> of this instance alone, cut at
/// the kill (a request already sent may still land, as on AWS). Only then is <see cref="Killed"/>
/// cancelled, so the abandoned code unwinds without reaching anything.
/// </summary>
public sealed class FunctionInstance : IAsyncDisposable
{
    private readonly IReadOnlyList<TcpProxy> _network;
    private readonly CancellationTokenSource _killed = new();
    private int _stopped;

    private FunctionInstance(LambdaHandler handler, IReadOnlyList<TcpProxy> network, bool killable)
    {
        Handler = handler;
        _network = network;
        Killable = killable;
    }

    public LambdaHandler Handler { get; }

    /// <summary>The token the handler gets: cancelled only once the instance is cut off (Lambda's handlers get none at all).</summary>
    public CancellationToken Killed => _killed.Token;

    /// <summary>Whether a kill stops everything the instance does; false for one built over clients it was handed.</summary>
    public bool Killable { get; }

    /// <summary>
    /// A cold start: every value of <paramref name="environment"/> that is an http endpoint is replaced
    /// by a proxy of this instance's own in front of it, and <paramref name="create"/> initialises the
    /// function from that environment, as the bootstrap does from the process's.
    /// </summary>
    public static FunctionInstance Start(IReadOnlyDictionary<string, string> environment, Func<IReadOnlyDictionary<string, string>, LambdaHandler> create)
    {
        var proxies = new List<TcpProxy>();
        var isolated = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        foreach (var (name, value) in environment)
        {
            if (Uri.TryCreate(value, UriKind.Absolute, out var endpoint) && endpoint.Scheme == Uri.UriSchemeHttp)
            {
                var proxy = new TcpProxy(endpoint);
                proxies.Add(proxy);
                isolated[name] = proxy.Endpoint.ToString();
            }
        }

        return new FunctionInstance(create(isolated), proxies, killable: true);
    }

    /// <summary>
    /// A function built over clients it was handed (a benchmark's, a stand-in's): nothing can cut it off,
    /// so the mapping refuses to let one of its invocations run past its timeout rather than be kinder than Lambda.
    /// </summary>
    public static FunctionInstance OverSharedClients(LambdaHandler handler) => new(handler, [], killable: false);

    /// <summary>Cuts the instance off from every endpoint, then cancels <see cref="Killed"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        foreach (var proxy in _network)
        {
            proxy.CutOff();
            await proxy.DisposeAsync().ConfigureAwait(false);
        }

        await _killed.CancelAsync().ConfigureAwait(false);
    }
}
