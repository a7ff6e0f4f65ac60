using System.Net;
using System.Net.Sockets;

namespace Replicator.LocalCloud.Faults;

/// <summary>
/// A TCP pass-through on 127.0.0.1 in front of one emulator, which a test can cut off to make that
/// service unreachable (a region outage, an unreadable table) and then restore. While cut off it
/// resets every connection, open or new, the way a dead endpoint looks to an HTTP client.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TcpClient> _open = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private volatile bool _cutOff;

    public TcpProxy(Uri upstream)
    {
        _upstream = upstream;
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync();
    }

    public Uri Endpoint { get; }

    public void CutOff()
    {
        _cutOff = true;
        lock (_gate)
        {
            foreach (var client in _open)
            {
                Reset(client);
            }

            _open.Clear();
        }
    }

    public void Restore() => _cutOff = false;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        CutOff();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            if (_cutOff)
            {
                Reset(client);
                continue;
            }

            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_upstream.Host, _upstream.Port, _stopping.Token).ConfigureAwait(false);
            lock (_gate)
            {
                _open.Add(client);
                _open.Add(upstream);
            }

            var downstreamStream = client.GetStream();
            var upstreamStream = upstream.GetStream();
            await Task.WhenAny(
                downstreamStream.CopyToAsync(upstreamStream, _stopping.Token),
                upstreamStream.CopyToAsync(downstreamStream, _stopping.Token)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection was cut off or closed: that is this proxy's job, not a failure.
        }
        finally
        {
            lock (_gate)
            {
                _open.Remove(client);
                _open.Remove(upstream);
            }

            client.Dispose();
        }
    }

    private static void Reset(TcpClient client)
    {
        try
        {
            // Linger 0 makes Close send RST instead of FIN: the peer sees a reset connection.
            client.LingerState = new LingerOption(true, 0);
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        client.Dispose();
    }
}
