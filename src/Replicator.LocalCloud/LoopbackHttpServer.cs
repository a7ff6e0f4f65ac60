using System.Net;

namespace Replicator.LocalCloud;

/// <summary>An HTTP server on 127.0.0.1 that answers each request with <c>handle</c>, concurrently, until disposed: the shell of every local stand-in.</summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _serving;

    public LoopbackHttpServer(Func<HttpListenerContext, Task> handle)
    {
        (_listener, Endpoint) = Loopback.StartHttpListener();
        _serving = ServeAsync(handle);
    }

    public Uri Endpoint { get; }

    public async ValueTask DisposeAsync()
    {
        _listener.Close();
        await _serving.ConfigureAwait(false);
    }

    private async Task ServeAsync(Func<HttpListenerContext, Task> handle)
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is ObjectDisposedException or HttpListenerException)
            {
                // Closing the listener is how serving stops.
                return;
            }

            _ = Task.Run(() => handle(context));
        }
    }
}
