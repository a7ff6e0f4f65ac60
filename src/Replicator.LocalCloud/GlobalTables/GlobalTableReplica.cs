using System.Net;
using System.Text.Json.Nodes;
using Replicator.LocalCloud.Limits;

namespace Replicator.LocalCloud.GlobalTables;

/// <summary>
/// One region's DynamoDB endpoint in front of that region's dynalite when the local cloud runs global
/// tables: every call is answered by this region's replica alone, and every write that succeeds is handed
/// to <see cref="GlobalTables"/> to reach the other replicas later. A cut-off region resets every connection, as a dead endpoint does.
/// </summary>
public sealed class GlobalTableReplica : IAsyncDisposable
{
    private const string TargetPrefix = "DynamoDB_20120810.";

    private readonly string _region;
    private readonly GlobalTables _tables;
    private readonly EmulatorForwarder _forwarder;
    private readonly LoopbackHttpServer _server;
    private readonly Faults.TcpProxy _door;

    public GlobalTableReplica(string region, Uri dynalite, GlobalTables tables)
    {
        _region = region;
        _tables = tables;
        _forwarder = new EmulatorForwarder(dynalite, "application/x-amz-json-1.0");
        _server = new LoopbackHttpServer(HandleAsync);
        _door = new Faults.TcpProxy(_server.Endpoint);
        tables.AddReplica(region, dynalite, _door);
    }

    public Uri Endpoint => _door.Endpoint;

    public string Region => _region;

    public async ValueTask DisposeAsync()
    {
        await _door.DisposeAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
        _forwarder.Dispose();
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var (operation, body) = await EmulatorForwarder.ReadCallAsync(context, TargetPrefix).ConfigureAwait(false);
        var (status, response) = await _forwarder.ForwardAsync(context, body).ConfigureAwait(false);
        if (status == HttpStatusCode.OK)
        {
            if (WrittenItems.IsWrite(operation))
            {
                await _tables.WrittenAsync(_region, operation, JsonNode.Parse(body)!.AsObject()).ConfigureAwait(false);
            }
            else if (operation is "CreateTable" or "DeleteTable" or "UpdateTimeToLive")
            {
                await _tables.TableChangedAsync(_region, context, body).ConfigureAwait(false);
            }
        }

        await _forwarder.RespondAsync(context, status, response).ConfigureAwait(false);
    }
}
