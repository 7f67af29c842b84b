using System.Net;
using Istore.Net.Resp;

namespace Istore.Net.Server;

public sealed record ServerOptions
{
    public IPEndPoint EndPoint { get; init; } = new(IPAddress.Loopback, 6379);

    /// <summary>A listening socket to serve instead of binding <see cref="EndPoint"/> (one a predecessor handed over).</summary>
    public System.Net.Sockets.Socket? Listener { get; init; }

    /// <summary>Event loop threads; each owns its connections and runs their commands.</summary>
    public int Threads { get; init; } = 1;

    public int MaxClients { get; init; } = 10000;

    public int Backlog { get; init; } = 511;

    /// <summary>
    /// Each connection's initial receive and reply buffer, and the room one read asks for; both
    /// grow for big commands and replies. A proxy holding many idle clients wants it small.
    /// </summary>
    public int ConnectionBufferSize { get; init; } = 16 * 1024;

    public RespLimits Limits { get; init; } = RespLimits.Default;
}
