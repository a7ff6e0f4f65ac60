using System.Net;
using System.Net.Sockets;

namespace Replicator.LocalCloud;

/// <summary>Ports and HTTP listeners on 127.0.0.1 for the local stand-ins.</summary>
public static class Loopback
{
    /// <summary>A port nothing listens on at the moment of asking.</summary>
    public static int UnusedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>
    /// An HttpListener started on 127.0.0.1 and a free port. HttpListener cannot bind port 0, so the port
    /// is probed first; another process may take it in between, and then another port is tried.
    /// </summary>
    public static (HttpListener Listener, Uri Endpoint) StartHttpListener()
    {
        for (var attempt = 0; ; attempt++)
        {
            var endpoint = new Uri($"http://127.0.0.1:{UnusedPort()}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(endpoint.ToString());
            try
            {
                listener.Start();
                return (listener, endpoint);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }
}
